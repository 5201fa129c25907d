// The history's retention: every per-day key (counters, call log, expired calls: `i:…:<YYYY-MM-DD>`) of days past it.
import type { RedisClient } from './connect.ts';
import { scanKeys } from './scan.ts';
import { INTERVALS_PREFIX, type StoreKeys } from './keys.ts';

const DAY_SUFFIX = /:(\d{4}-\d{2}-\d{2})$/;

export function createHistoryStore(deps: { redis: RedisClient; keys: StoreKeys }) {
  const { redis, keys } = deps;

  /** Removes every per-day key of a day before `firstKept` (YYYY-MM-DD); returns how many keys went. One SCAN pass. */
  async function dropDaysBefore(firstKept: string): Promise<number> {
    let dropped = 0;
    for await (const found of scanKeys(redis, keys.figurePattern(`${INTERVALS_PREFIX}*`))) {
      const old = found.filter((key) => {
        const day = DAY_SUFFIX.exec(key)?.[1];
        return day !== undefined && day < firstKept;
      });
      if (old.length > 0) dropped += await redis.unlink(...old);
    }
    return dropped;
  }

  return { dropDaysBefore };
}

export type HistoryStore = ReturnType<typeof createHistoryStore>;
