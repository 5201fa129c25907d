// SCAN over every primary: on a Cluster each node scans only its own keys, and which primary holds our
// one slot changes on failover, so every primary is asked (the others find nothing).
import { Cluster } from 'ioredis';
import type { RedisClient } from './connect.ts';

/** Keys matching `pattern`, a page at a time. */
export async function* scanKeys(redis: RedisClient, pattern: string): AsyncGenerator<string[]> {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, found] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (found.length > 0) yield found;
    } while (cursor !== '0');
  }
}
