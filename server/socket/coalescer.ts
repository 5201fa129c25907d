// Per-key rate limiting of pushes: the first change goes at once, later ones within the window are merged.

/** Sends what a read fetched; the coalescer calls it once the key's window allows, never before. */
type Emit = () => void;

export interface Coalescer {
  /** Marks `key` changed: it is read and emitted at once if idle, else once more as soon as the window allows. */
  touch(key: string): void;
  close(): void;
}

/**
 * `read(key)` fetches what to send and answers the emit (or nothing: nothing to send). A key's emits are at least
 * `windowMs` apart, from the end of one to the start of the next, however long each read took: the read starts
 * before the window ends (twice as long before as the key's last read took, since reads vary; at most half the
 * window) and its emit is held until the window ends. A touch during a read or its hold is read again afterwards
 * (that read may not have seen it). `now` is monotonic by default: a wall clock set back would stall pushes.
 */
export function createCoalescer(
  windowMs: number,
  read: (key: string) => Promise<Emit | void> | Emit | void,
  now: () => number = () => performance.now(),
): Coalescer {
  /** When each key's last emit ended (or its last read, when that had nothing to send). */
  const lastEmit = new Map<string, number>();
  /** How long each key's last read took: how early the next one starts. */
  const readMs = new Map<string, number>();
  /** A read due to start, or an emit held until its window ends. */
  const timers = new Map<string, NodeJS.Timeout>();
  /** Keys being read or held, and those of them touched meanwhile. */
  const busy = new Set<string>();
  const touchedWhileBusy = new Set<string>();
  let closed = false;

  const windowLeft = (key: string) => (lastEmit.get(key) ?? -Infinity) + windowMs - now();

  /** Resolves once `key`'s window has ended; a timer may fire a little early, so the clock is asked again. */
  async function windowEnd(key: string): Promise<void> {
    for (let wait = windowLeft(key); wait > 0 && !closed; wait = windowLeft(key)) {
      await new Promise<void>((resolve) => timers.set(key, setTimeout(resolve, Math.ceil(wait))));
      timers.delete(key);
    }
  }

  async function cycle(key: string): Promise<void> {
    busy.add(key);
    const started = now();
    let emit: Emit | void = undefined;
    try {
      emit = await read(key);
    } catch {
      // The reader logs its own failures; one failed read must not stop later pushes.
    }
    readMs.set(key, now() - started);
    if (emit) await windowEnd(key);
    if (closed) return;
    try {
      emit?.();
    } catch {
      // As above: one throwing emit must not stop later pushes.
    }
    lastEmit.set(key, now());
    busy.delete(key);
    if (touchedWhileBusy.delete(key)) schedule(key);
  }

  function schedule(key: string): void {
    const wait = windowLeft(key) - Math.min(2 * (readMs.get(key) ?? 0), windowMs / 2);
    if (wait <= 0) void cycle(key);
    else
      timers.set(
        key,
        setTimeout(() => {
          timers.delete(key);
          void cycle(key);
        }, Math.ceil(wait)),
      );
  }

  return {
    touch(key) {
      if (closed) return;
      if (busy.has(key)) touchedWhileBusy.add(key);
      else if (!timers.has(key)) schedule(key);
    },
    close() {
      closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
