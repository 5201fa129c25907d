// Raw reads of figure keys by their logical names, for the self-audit.
import type { Redis } from 'ioredis';
import type { StoreKeys } from './keys.ts';

export function createFigureReader(deps: { redis: Redis; keys: StoreKeys }) {
  const { redis, keys } = deps;

  /** Hashes and sorted sets (member → score) by logical key. */
  async function read(hashes: string[], sets: string[]): Promise<{ hashes: Map<string, string>[]; sets: Map<string, string>[] }> {
    const pipe = redis.pipeline();
    for (const key of hashes) pipe.hgetall(keys.figure(key));
    for (const key of sets) pipe.zrange(keys.figure(key), 0, '-1', 'WITHSCORES');
    const replies = ((await pipe.exec()) ?? []).map(([err, value]) => {
      if (err) throw err;
      return value;
    });
    return {
      hashes: replies.slice(0, hashes.length).map((value) => new Map(Object.entries(value as Record<string, string>))),
      sets: replies.slice(hashes.length).map((value) => {
        const pairs = value as string[];
        const members = new Map<string, string>();
        for (let p = 0; p < pairs.length; p += 2) members.set(pairs[p]!, pairs[p + 1]!);
        return members;
      }),
    };
  }

  /** The logical names of the stored figure keys matching a glob over logical names. */
  async function scan(logicalPattern: string): Promise<string[]> {
    const out: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', keys.figurePattern(logicalPattern), 'COUNT', 1000);
      cursor = next;
      for (const key of found) out.push(keys.logical(key));
    } while (cursor !== '0');
    return out;
  }

  return { read, scan };
}

export type FigureReader = ReturnType<typeof createFigureReader>;
