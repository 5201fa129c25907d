// The named operations that turn one stored contribution into another (run by redis/lua/applyBatch.lua).
import type { Operation } from '../redis/entityStore.ts';
import type { Contribution } from './contribution.ts';

export function diffContributions(before: Contribution, after: Contribution): Operation[] {
  const ops: Operation[] = [];
  for (const [key, fields] of after.counters) {
    const prior = before.counters.get(key);
    for (const [field, n] of fields) {
      const delta = n - (prior?.get(field) ?? 0);
      if (delta !== 0) ops.push({ kind: 'increment', key, field, value: delta });
    }
  }
  for (const [key, fields] of before.counters) {
    const next = after.counters.get(key);
    for (const [field, n] of fields) if (n !== 0 && !next?.has(field)) ops.push({ kind: 'increment', key, field, value: -n });
  }
  diffEntries(before.members, after.members, 'addMember', 'removeMember', ops);
  diffEntries(before.values, after.values, 'setValue', 'deleteValue', ops);
  return ops;
}

/** Sorted-set members and hash values alike: set what is new or changed, remove what is gone. */
function diffEntries<V extends string | number>(
  before: [string, string, V][],
  after: [string, string, V][],
  set: 'addMember' | 'setValue',
  remove: 'removeMember' | 'deleteValue',
  ops: Operation[],
): void {
  const id = (key: string, field: string) => `${key}\u0000${field}`;
  const old = new Map(before.map(([key, field, value]) => [id(key, field), value]));
  const kept = new Set<string>();
  for (const [key, field, value] of after) {
    kept.add(id(key, field));
    if (old.get(id(key, field)) !== value) ops.push({ kind: set, key, field, value });
  }
  for (const [key, field] of before) if (!kept.has(id(key, field))) ops.push({ kind: remove, key, field, value: '' });
}
