// Telling an unreachable store from every other failure.

/** Redis is unreachable when ioredis refuses a command offline or the connection drops mid-command. */
export function isStoreDown(err: unknown): boolean {
  const message = err instanceof Error ? err.message : '';
  return /Stream isn't writeable|Connection is closed|ECONNREFUSED|ECONNRESET|enableOfflineQueue|max retries|MaxRetriesPerRequest|NOSCRIPT|LOADING|ETIMEDOUT|EPIPE/i.test(
    message,
  );
}
