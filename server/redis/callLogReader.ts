// Reads of the call log: each day's sorted set of call records (see keys.ts `figureKeys.callLog`), newest first.
import type { RedisClient } from './connect.ts';
import { figureKeys, type StoreKeys } from './keys.ts';
import { repliesOf } from './pipeline.ts';

export function createCallLogReader(deps: { redis: RedisClient; keys: StoreKeys }) {
  const { redis, keys } = deps;
  const key = (day: string) => keys.figure(figureKeys.callLog(day));

  /** Of these days, those whose log (open or archived) holds any call (one round trip). */
  async function daysWithCalls(days: string[]): Promise<Set<string>> {
    if (days.length === 0) return new Set();
    const pipe = redis.pipeline();
    for (const day of days) pipe.exists(key(day), keys.figure(figureKeys.callLogArchive(day)));
    const replies = await repliesOf(pipe);
    return new Set(days.filter((_, i) => Number(replies[i]) > 0));
  }

  /** Up to `count` records of a day with a start below `below` (exclusive) and at least `atLeast`, latest first. */
  async function below(day: string, belowMs: number, atLeast: number, count: number): Promise<[string, number][]> {
    return pairs(await redis.zrange(key(day), `(${belowMs}`, String(atLeast), 'BYSCORE', 'REV', 'LIMIT', 0, count, 'WITHSCORES'));
  }

  /** Every record of a day that started exactly at `at` (ties are rare: a call's start is to the millisecond). */
  async function startingAt(day: string, at: number): Promise<string[]> {
    return redis.zrange(key(day), String(at), String(at), 'BYSCORE');
  }

  /** Every record of a day with its start, for the export and the benchmark. */
  async function all(day: string): Promise<[string, number][]> {
    return pairs(await redis.zrange(key(day), '0', '-1', 'WITHSCORES'));
  }

  return { daysWithCalls, below, startingAt, all };
}

export type CallLogReader = ReturnType<typeof createCallLogReader>;

function pairs(reply: string[]): [string, number][] {
  const out: [string, number][] = [];
  for (let i = 0; i < reply.length; i += 2) out.push([reply[i]!, Number(reply[i + 1])]);
  return out;
}
