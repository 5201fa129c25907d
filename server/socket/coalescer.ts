// Per-key rate limiting of pushes: the first change goes at once, later ones within the window are merged.

export interface Coalescer {
  /** Marks `key` changed; `send(key)` runs at once if idle, else once when the window ends. */
  touch(key: string): void;
  close(): void;
}

export function createCoalescer(windowMs: number, send: (key: string) => Promise<void> | void, now: () => number = Date.now): Coalescer {
  const lastSent = new Map<string, number>();
  const scheduled = new Map<string, NodeJS.Timeout>();

  const fire = (key: string) => {
    scheduled.delete(key);
    lastSent.set(key, now());
    void Promise.resolve()
      .then(() => send(key))
      .catch(() => undefined);
  };

  return {
    touch(key) {
      if (scheduled.has(key)) return;
      const wait = (lastSent.get(key) ?? -Infinity) + windowMs - now();
      if (wait <= 0) fire(key);
      else
        scheduled.set(
          key,
          setTimeout(() => fire(key), wait),
        );
    },
    close() {
      for (const timer of scheduled.values()) clearTimeout(timer);
      scheduled.clear();
    },
  };
}
