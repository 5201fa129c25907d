// The operations that turn one stored contribution into another (see lua/applyEntity-2.lua).
import type { Contribution } from '../domain/contribution.ts';

export type Operation = [op: 'c' | 'z' | 'Z' | 'h' | 'H', key: string, field: string, value: string | number];

export function diffContributions(before: Contribution, after: Contribution, prefix: string): Operation[] {
  const ops: Operation[] = [];
  const id = (key: string, field: string) => `${key}\u0000${field}`;

  const counts = new Map<string, [string, string, number]>();
  for (const [key, field, n] of before.c) counts.set(id(key, field), [key, field, -n]);
  for (const [key, field, n] of after.c) {
    const prior = counts.get(id(key, field));
    counts.set(id(key, field), [key, field, n + (prior ? prior[2] : 0)]);
  }
  for (const [key, field, delta] of counts.values()) if (delta !== 0) ops.push(['c', prefix + key, field, delta]);

  const oldMembers = new Map(before.z.map(([key, member, score]) => [id(key, member), score]));
  const newMembers = new Set<string>();
  for (const [key, member, score] of after.z) {
    newMembers.add(id(key, member));
    if (oldMembers.get(id(key, member)) !== score) ops.push(['z', prefix + key, member, score]);
  }
  for (const [key, member] of before.z) if (!newMembers.has(id(key, member))) ops.push(['Z', prefix + key, member, '']);

  const oldValues = new Map(before.h.map(([key, field, value]) => [id(key, field), value]));
  const newValues = new Set<string>();
  for (const [key, field, value] of after.h) {
    newValues.add(id(key, field));
    if (oldValues.get(id(key, field)) !== value) ops.push(['h', prefix + key, field, value]);
  }
  for (const [key, field] of before.h) if (!newValues.has(id(key, field))) ops.push(['H', prefix + key, field, '']);
  return ops;
}
