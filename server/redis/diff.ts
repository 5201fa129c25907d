// The operations that turn one stored contribution into another (see lua/applyEntity-2.lua).
import type { Contribution } from '../domain/contribution.ts';

export type Operation = [op: 'c' | 'z' | 'Z' | 'h' | 'H', key: string, field: string, value: string | number];

export function diffContributions(before: Contribution, after: Contribution, prefix: string): Operation[] {
  const ops: Operation[] = [];
  const id = (key: string, field: string) => `${key}\u0000${field}`;

  for (const [key, fields] of after.c) {
    const prior = before.c.get(key);
    for (const [field, n] of fields) {
      const delta = n - (prior?.get(field) ?? 0);
      if (delta !== 0) ops.push(['c', prefix + key, field, delta]);
    }
  }
  for (const [key, fields] of before.c) {
    const next = after.c.get(key);
    for (const [field, n] of fields) if (n !== 0 && !next?.has(field)) ops.push(['c', prefix + key, field, -n]);
  }

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
