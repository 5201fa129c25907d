// A cap on concurrent sockets per token and per session, counted across instances in Redis with leases.
import type { RedisClient } from './connect.ts';
import type { StoreKeys } from './keys.ts';

/**
 * KEYS[1] the principal's sockets (a sorted set: socket id → lease end, epoch ms).
 * ARGV now, lease end, cap, socket id. Drops lapsed leases (a crashed instance's sockets), then adds
 * this socket if under the cap. Returns 1 when claimed, 0 at the cap.
 */
const CLAIM_1 = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
return 1`;

/** How long a claim lasts without renewal; each instance renews its sockets' claims at a third of it. */
export const LEASE_MS = 90_000;

interface SocketCapsDeps {
  redis: RedisClient;
  keys: StoreKeys;
  /**
   * At most this many sockets per signed-in session, and per token (0: no cap). A person needs a few tabs; a token
   * may run every TV of a floor (a display token) or a load test, so its cap only stops a runaway.
   */
  max: { session: number; token: number };
  now?: () => number;
}

export function createSocketCaps(deps: SocketCapsDeps) {
  const { redis, keys, max } = deps;
  const now = deps.now ?? Date.now;
  const keyOf = keys.socketCaps;
  /** This instance's live claims: socket id → holder and when it was claimed. */
  const held = new Map<string, { holder: string; since: number }>();

  /** Claims a place for a socket; false when the holder already has `cap` sockets. */
  async function claim(holder: string, socketId: string, cap: number): Promise<boolean> {
    if (cap <= 0) return true;
    const t = now();
    const claimed = await redis.eval(CLAIM_1, 1, keyOf(holder), t, t + LEASE_MS, cap, socketId);
    if (claimed === 1) held.set(socketId, { holder, since: t });
    return claimed === 1;
  }

  async function release(socketId: string): Promise<void> {
    const claim = held.get(socketId);
    if (claim === undefined) return;
    held.delete(socketId);
    await redis.zrem(keyOf(claim.holder), socketId);
  }

  /**
   * Renews every claim of a socket still open here, so only a dead instance's claims lapse. A claim whose
   * handshake never completed (no socket a few seconds on) is let go.
   */
  async function renew(isOpen: (socketId: string) => boolean): Promise<void> {
    const t = now();
    const end = t + LEASE_MS;
    const tx = redis.pipeline();
    for (const [socketId, { holder, since }] of held) {
      if (!isOpen(socketId) && t - since > 10_000) {
        held.delete(socketId);
        tx.zrem(keyOf(holder), socketId);
      } else tx.zadd(keyOf(holder), 'XX', end, socketId).pexpireat(keyOf(holder), end);
    }
    if (tx.length > 0) await tx.exec();
  }

  return { max, claim, release, renew };
}

export type SocketCaps = ReturnType<typeof createSocketCaps>;
