// Moves a centre's keys from a prefix without a hash tag (`wb:`, before 0.2) to its tagged form (`{wb}:`).
import type { RedisClient } from './connect.ts';
import { scanKeys } from './scan.ts';
import { escapeGlob } from './keys.ts';

/** The first part of every key this product writes after its prefix (another centre's `wb:east:…` is not one). */
const OWN = /^(ev:|m:|i:|w:|live:|figures:|rules|sockets:|banners|prompts:|prompt:|auth:|teams|socket\.io)/;

/** Renames this centre's `from…` keys to `to…`, once: only when nothing is stored under `to` yet. */
export async function migratePrefix(redis: RedisClient, from: string, to: string): Promise<number> {
  // Keys under `from` and `to` hash to different slots, so a Cluster cannot rename between them; a
  // centre moves to a Cluster with its keys already tagged (0.2 or later).
  if (from === to || redis.isCluster || (await anyKey(redis, to))) return 0;
  let moved = 0;
  for await (const found of scanKeys(redis, `${escapeGlob(from)}*`)) {
    for (const key of found) {
      const rest = key.slice(from.length);
      // RENAMENX keeps a key written under the new name meanwhile; TTLs travel with the key.
      if (OWN.test(rest)) moved += await redis.renamenx(key, to + rest);
    }
  }
  return moved;
}

/** Whether any key starts with `prefix` (a full SCAN: the first page may be empty on a big keyspace). */
async function anyKey(redis: RedisClient, prefix: string): Promise<boolean> {
  for await (const found of scanKeys(redis, `${escapeGlob(prefix)}*`)) if (found.length > 0) return true;
  return false;
}
