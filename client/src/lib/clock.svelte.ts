// One reactive clock for every ticking figure, corrected by the server's clock offset.
class Clock {
  /** Server-corrected epoch ms, updated every second. */
  now = $state(Date.now());
  /** serverNow − localNow, from the server's `clock:synced`. */
  offset = $state(0);
  #timer: ReturnType<typeof setInterval> | undefined;

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => (this.now = Date.now() + this.offset), 1000);
  }

  sync(serverNow: number): void {
    this.offset = serverNow - Date.now();
    this.now = Date.now() + this.offset;
  }

  /** Milliseconds since an ISO instant, never negative. */
  since(iso: string | null | undefined): number | null {
    if (!iso) return null;
    return Math.max(0, this.now - Date.parse(iso));
  }
}

export const clock = new Clock();
clock.start();
