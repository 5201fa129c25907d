// Redis's own clock as seen from this process, learned from TIME replies (the health probe's), so a deadline a
// script checks against TIME means the same instant there as here, whatever the two machines' clocks say.
import type { RedisClient } from './connect.ts';
import { withDeadline } from './errors.ts';

/** This process's clock for deadlines: epoch milliseconds that never jump (a stepped system clock does not move it). */
export const steadyNow = (): number => performance.timeOrigin + performance.now();

/** How long a TIME reply stays in use: a Redis clock stepped back (or a failover to a host behind) is followed within this. */
const SAMPLE_LIFE_MS = 10_000;

export function createStoreClock(redis: RedisClient, routeKey: string, now: () => number = steadyNow) {
  /** Each reply's offset (Redis's clock − ours), by when it came. */
  let samples: { at: number; offset: number }[] = [];
  // A new connection may be to another host (a failover): its clock is learned afresh, not mixed with the old one's.
  redis.on('close', () => (samples = []));

  /** Reads Redis's clock once (bounded by `timeoutMs`), on `via` (the health probe's own connection) or `redis`. */
  async function measure(timeoutMs: number, via: RedisClient = redis): Promise<void> {
    const [seconds, micros] = await withDeadline(via.storeTime(routeKey), timeoutMs, 'clock');
    const received = now();
    // Redis read its clock before its reply came: counted from `received`, the offset is never above the true
    // one, so a deadline put on Redis's clock is never later there than here (at worst a round trip earlier).
    const offset = Number(seconds) * 1000 + Number(micros) / 1000 - received;
    samples = [...samples.filter((s) => received - s.at < SAMPLE_LIFE_MS), { at: received, offset }];
  }

  /** `at` (on `now`'s clock) on Redis's clock, or undefined when no reply came within the last few seconds. */
  function toStore(at: number): number | undefined {
    const fresh = samples.filter((s) => now() - s.at < SAMPLE_LIFE_MS);
    // Each offset is a lower bound of the true one: the largest is the closest.
    return fresh.length === 0 ? undefined : at + Math.max(...fresh.map((s) => s.offset));
  }

  return { measure, toStore, now };
}

export type StoreClock = ReturnType<typeof createStoreClock>;
