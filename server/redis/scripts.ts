// The Lua scripts, one file per atomic operation (lua/<name>.lua, its header lists KEYS and ARGV), defined on a client.
import { readFileSync } from 'node:fs';
import type { Result } from 'ioredis';
import type { RedisClient } from './connect.ts';

const lua = (file: string) => readFileSync(new URL(`./lua/${file}`, import.meta.url), 'utf8');

/** applyBatch's first reply item when entities moved (the rest are their 1-based numbers). */
export const BATCH_CONFLICT = -1;
/** applyBatch's first reply item when a check failed (the second is why); nothing was written. */
export const BATCH_REFUSED = -2;
/** applyBatch's first reply item when it ran at or past its deadline (the second: by how many ms); nothing was written. */
export const BATCH_LATE = -3;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** See lua/applyBatch.lua; the first argument is the number of keys. */
    applyBatch(numKeys: number, ...keysAndArgs: (string | number)[]): Result<(number | string)[], Context>;
    /** See lua/storeTime.lua: Redis's clock on the centre's node. */
    storeTime(routeKey: string): Result<[string, string], Context>;
    /** See lua/readAgents.lua; the first argument is the number of keys. */
    readAgents(numKeys: number, ...keysAndArgs: (string | number)[]): Result<[string[], (string | null)[], (string | null)[], string[], string[]], Context>;
    /** See lua/compactCallLog.lua. */
    compactCallLog(log: string, archive: string, sha: string, blob: Buffer, ttlMs: number, ...records: string[]): Result<number, Context>;
    /** See lua/qaSave.lua. */
    qaSave(hash: string, log: string, seq: string, id: string, createdAt: number, ...fields: string[]): Result<number, Context>;
    /** See lua/raiseBanner.lua: 1 raised, 0 the most are active already. */
    raiseBanner(active: string, history: string, id: string, json: string, maxActive: number, historyLength: string): Result<number, Context>;
    /** See lua/raiseEscalation.lua. */
    raiseEscalation(open: string, record: string, log: string, agent: string, id: string, json: string, at: number): Result<string, Context>;
    /** See lua/stepEscalation.lua. */
    stepEscalation(record: string, open: string, read: string, next: string, agent: string, id: string, closes: string): Result<number, Context>;
  }
}

/** Each script's source, read once: every connection that runs scripts defines them from these. */
const SCRIPTS: [name: string, definition: { lua: string; numberOfKeys?: number }][] = [
  ['applyBatch', { lua: lua('applyBatch.lua') }],
  ['readAgents', { lua: lua('readAgents.lua') }],
  ['storeTime', { lua: lua('storeTime.lua'), numberOfKeys: 1 }],
  ['compactCallLog', { lua: lua('compactCallLog.lua'), numberOfKeys: 2 }],
  ['qaSave', { lua: lua('qaSave.lua'), numberOfKeys: 2 }],
  ['raiseBanner', { lua: lua('raiseBanner.lua'), numberOfKeys: 2 }],
  ['raiseEscalation', { lua: lua('raiseEscalation.lua'), numberOfKeys: 3 }],
  ['stepEscalation', { lua: lua('stepEscalation.lua'), numberOfKeys: 2 }],
];

export function defineScripts(redis: RedisClient): void {
  for (const [name, definition] of SCRIPTS) redis.defineCommand(name, definition);
}
