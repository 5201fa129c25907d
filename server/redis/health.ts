// Whether Redis is reachable now, from the commands connection's own events (and on a Cluster a probe).
import type { RedisClient } from './connect.ts';
import { withDeadline } from './errors.ts';

/**
 * Tracks whether Redis is reachable; `onChange` hears each change. One node or Sentinel: the connection's
 * own events (it closes when the primary goes, it is ready again on the new one). A Cluster stays "ready"
 * while one primary is down, so there a probe of the centre's slot (`probeKey`) every `probeEveryMs` says.
 */
export function watchStore(
  redis: RedisClient,
  opts: { probeKey?: string; probeEveryMs?: number } = {},
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
  let timer: NodeJS.Timeout | undefined;
  if (redis.isCluster && opts.probeKey) {
    const probeKey = opts.probeKey;
    let probing = false;
    timer = setInterval(() => {
      if (probing) return;
      probing = true;
      withDeadline(redis.exists(probeKey), Math.max(1000, opts.probeEveryMs ?? 1000), 'probe')
        .then(
          () => set(redis.status === 'ready'),
          () => set(false),
        )
        .finally(() => (probing = false));
    }, opts.probeEveryMs ?? 1000);
    timer.unref();
  }
  return {
    isUp: () => up,
    onChange: (l) => (listener = l),
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
