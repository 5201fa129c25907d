// Whether Redis is reachable now: the commands connection's own events, and a probe that must be answered in time.
import type { RedisClient } from './connect.ts';

/** A probe not answered within this is Redis unreachable: a hung host or a stopped process keeps its connections open. */
const PROBE_TIMEOUT_MS = 2000;

/**
 * Tracks whether Redis is reachable; `onChange` hears each change. `probe` (a read of Redis's clock on the centre's
 * node) runs at once and every `probeEveryMs`: down when it fails or is not answered within `probeTimeoutMs`, up
 * when it is answered. One node or Sentinel: the connection's own events say so sooner (it closes when the primary
 * goes, it is ready again on the new one). A Cluster stays "ready" while one primary is down: there only the probe says up.
 */
export function watchStore(
  redis: RedisClient,
  opts: { probe: (timeoutMs: number) => Promise<unknown>; probeEveryMs?: number; probeTimeoutMs?: number },
): { isUp: () => boolean; onChange(listener: (up: boolean) => void): void; stop: () => void } {
  let up = redis.status === 'ready';
  let stopped = false;
  let listener: (up: boolean) => void = () => undefined;
  const set = (now: boolean) => {
    if (stopped || now === up) return;
    up = now;
    listener(now);
  };
  // A Cluster client is "ready" again as soon as it knows the slots, served or not: there the probe says up.
  if (!redis.isCluster) redis.on('ready', () => set(true));
  redis.on('close', () => set(false));
  redis.on('error', () => undefined);
  let probing = false;
  const probe = () => {
    if (probing) return;
    probing = true;
    opts
      .probe(opts.probeTimeoutMs ?? PROBE_TIMEOUT_MS)
      .then(
        () => set(redis.status === 'ready'),
        () => set(false),
      )
      .finally(() => (probing = false));
  };
  probe();
  const timer = setInterval(probe, opts.probeEveryMs ?? 1000);
  timer.unref();
  return {
    isUp: () => up,
    onChange: (l) => (listener = l),
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
