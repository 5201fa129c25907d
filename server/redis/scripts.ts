// The Lua scripts, one file per atomic operation (lua/<name>-<number of keys>.lua), defined on a client.
import { readFileSync } from 'node:fs';
import type { Redis, Result } from 'ioredis';

const lua = (file: string) => readFileSync(new URL(`./lua/${file}`, import.meta.url), 'utf8');

export const APPLY_CONFLICT = -1;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** See lua/applyEntity-2.lua. */
    applyEntity(eventsKey: string, metaKey: string, ...args: (string | number)[]): Result<number, Context>;
  }
}

export function defineScripts(redis: Redis): void {
  redis.defineCommand('applyEntity', { numberOfKeys: 2, lua: lua('applyEntity-2.lua') });
}
