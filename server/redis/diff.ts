// The operations that turn one stored contribution into another (see lua/applyEntity-2.lua).
import type { Contribution } from '../domain/contribution.ts';

export type Operation = [op: 'c' | 'z' | 'Z' | 'h' | 'H', key: string, field: string, value: string | number];

export function diffContributions(before: Contribution, after: Contribution, prefix: string): Operation[] {
  const ops: Operation[] = [];
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

  diffEntries(before.z, after.z, 'z', 'Z', prefix, ops);
  diffEntries(before.h, after.h, 'h', 'H', prefix, ops);
  return ops;
}

/** Sorted-set members and hash values alike: set what is new or changed, remove what is gone. */
function diffEntries<V extends string | number>(
  before: [string, string, V][],
  after: [string, string, V][],
  set: 'z' | 'h',
  remove: 'Z' | 'H',
  prefix: string,
  ops: Operation[],
): void {
  const id = (key: string, field: string) => `${key}\u0000${field}`;
  const old = new Map(before.map(([key, field, value]) => [id(key, field), value]));
  const kept = new Set<string>();
  for (const [key, field, value] of after) {
    kept.add(id(key, field));
    if (old.get(id(key, field)) !== value) ops.push([set, prefix + key, field, value]);
  }
  for (const [key, field] of before) if (!kept.has(id(key, field))) ops.push([remove, prefix + key, field, '']);
}
