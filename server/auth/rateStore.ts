// A Redis store for express-rate-limit, so sign-in limits hold across every instance of the server.
import type { RedisClient } from '../redis/connect.ts';
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';

/** KEYS[1] the counter; ARGV window ms. Counts one hit, starting the window on the first. Returns { hits, ms left }. */
const INCREMENT_1 = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { hits, redis.call('PTTL', KEYS[1]) }`;

/** KEYS[1] the counter. Takes one hit back (a successful sign-in), never below zero nor reviving a lapsed window. */
const DECREMENT_1 = `
if redis.call('GET', KEYS[1]) and tonumber(redis.call('GET', KEYS[1])) > 0 then return redis.call('DECR', KEYS[1]) end
return 0`;

export class RedisRateStore implements Store {
  localKeys = false;
  private windowMs = 60_000;

  constructor(
    private readonly redis: RedisClient,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const [hits, ttl] = await Promise.all([this.redis.get(this.prefix + key), this.redis.pttl(this.prefix + key)]);
    if (hits === null) return undefined;
    return { totalHits: Number(hits), resetTime: new Date(Date.now() + Math.max(ttl, 0)) };
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const [hits, ttl] = (await this.redis.eval(INCREMENT_1, 1, this.prefix + key, this.windowMs)) as [number, number];
    return { totalHits: hits, resetTime: new Date(Date.now() + Math.max(ttl, 0)) };
  }

  async decrement(key: string): Promise<void> {
    await this.redis.eval(DECREMENT_1, 1, this.prefix + key);
  }

  async resetKey(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }
}
