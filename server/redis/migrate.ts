// Moves a centre's keys from a prefix without a hash tag (`wb:`, before 0.2) to its tagged form (`{wb}:`).
import type { Redis } from 'ioredis';
import { escapeGlob } from './keys.ts';

/** The first part of every key this product writes after its prefix (another centre's `wb:east:…` is not one). */
const OWN = /^(ev:|m:|i:|w:|live:|rules|sockets:|banners|prompts:|prompt:|auth:|teams|socket\.io)/;

/** Renames this centre's `from…` keys to `to…`, once: only when nothing is stored under `to` yet. */
export async function migratePrefix(redis: Redis, from: string, to: string): Promise<number> {
  if (from === to || (await anyKey(redis, to))) return 0;
  let moved = 0;
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${escapeGlob(from)}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of found) {
      const rest = key.slice(from.length);
      // RENAMENX keeps a key written under the new name meanwhile; TTLs travel with the key.
      if (OWN.test(rest)) moved += await redis.renamenx(key, to + rest);
    }
  } while (cursor !== '0');
  return moved;
}

/** Whether any key starts with `prefix` (a full SCAN: the first page may be empty on a big keyspace). */
async function anyKey(redis: Redis, prefix: string): Promise<boolean> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 1000);
    if (found.length > 0) return true;
    cursor = next;
  } while (cursor !== '0');
  return false;
}
