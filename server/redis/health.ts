// Whether Redis is reachable now, from the commands connection's own events.
import type { Redis } from 'ioredis';

/** Tracks whether Redis is reachable, from the connection's own events; `onChange` hears each change. */
export function watchStore(redis: Redis): { isUp: () => boolean; onChange(listener: (up: boolean) => void): void; stop: () => void } {
  let up = redis.status === 'ready';
  let stopped = false;
  let listener: (up: boolean) => void = () => undefined;
  const set = (now: boolean) => {
    if (stopped || now === up) return;
    up = now;
    listener(now);
  };
  redis.on('ready', () => set(true));
  redis.on('close', () => set(false));
  redis.on('error', () => undefined);
  return { isUp: () => up, onChange: (l) => (listener = l), stop: () => (stopped = true) };
}
