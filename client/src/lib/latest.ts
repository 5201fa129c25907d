// Loads whose answers may come back out of order (a page reloading as its filters change): only the latest one's
// answer or error is used, so an answer to an earlier choice that comes back late never shows over the newer one.

/** A runner of loads that keeps only the latest: `use` or `fail` is called for it alone. */
export function latestOnly() {
  let loads = 0;
  return async function run<T>(load: () => Promise<T>, use: (answer: T) => void, fail: (message: string) => void): Promise<void> {
    const mine = ++loads;
    try {
      const answer = await load();
      if (mine === loads) use(answer);
    } catch (err) {
      if (mine === loads) fail((err as Error).message);
    }
  };
}
