// Telling an unreachable store from every other failure.

/**
 * The primary holds the batch but no replica confirmed it in time (durability=replica): answered 503, and
 * unlike other 503s the batch may be in the store, so resending it counts its events once, as duplicates.
 */
export class ReplicaNotConfirmedError extends Error {}

/** Whether a failed command may still have run: the reply never came (timeout, connection lost) or a replica never confirmed it. */
export function outcomeUnknown(err: unknown): boolean {
  return err instanceof ReplicaNotConfirmedError || (err instanceof Error && /Command timed out|ECONNRESET|Connection is closed/i.test(err.message));
}

/**
 * Redis is unreachable when ioredis refuses a command offline, the connection drops mid-command, a command
 * times out, or a failover is under way (no primary yet, a demoted one, the cluster reconfiguring).
 */
export function isStoreDown(err: unknown): boolean {
  if (err instanceof ReplicaNotConfirmedError) return true;
  const message = err instanceof Error ? err.message : '';
  return /Stream isn't writeable|Connection is closed|ECONNREFUSED|ECONNRESET|enableOfflineQueue|max retries|MaxRetriesPerRequest|NOSCRIPT|LOADING|ETIMEDOUT|EPIPE|Command timed out|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|NOREPLICAS|isn't ready|Too many Cluster redirections|Failed to refresh slots cache|sentinels are unreachable|None of the sentinels|No subscriber|Cluster is ended/i.test(
    message,
  );
}
