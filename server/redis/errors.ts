// Telling an unreachable store from every other failure.

/**
 * The primary holds the batch but no replica confirmed it in time (durability=replica): answered 503, and
 * unlike every other 503 the batch is in the store, so resending it counts its events once, as duplicates.
 */
export class ReplicaNotConfirmedError extends Error {}

/** The store did not answer within the deadline; the command may still run (its outcome is unknown). */
class StoreDeadlineError extends Error {}

/** The store refused a batch (a check inside the script failed); nothing of it was written. */
export class BatchRefusedError extends Error {}

/**
 * A batch not stored, and never to be: its script refused it past its deadline, or, its reply lost, the id index read
 * after that deadline does not hold it. `unconfirmed`: that read got no answer either (see redis/batchRun.ts).
 */
export class BatchTooLateError extends BatchRefusedError {
  constructor(
    message: string,
    readonly unconfirmed = false,
  ) {
    super(message);
  }
}

/**
 * `work`, or StoreDeadlineError after `ms`: a bound on the whole operation, whatever ioredis does inside
 * (a Cluster pipeline waits for the slots to be served again; a failover can take longer than a request may).
 */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreDeadlineError(`${what}: no answer from the store within ${ms} ms`)), ms);
  });
  work.catch(() => undefined); // a late failure of abandoned work is not an unhandled rejection
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** Whether a failed command may have run, or may still: its reply never came (a timeout, the connection lost with it in flight). */
export function outcomeUnknown(err: unknown): boolean {
  return (
    err instanceof StoreDeadlineError ||
    (err instanceof Error && /Command timed out|Command aborted|ECONNRESET|Connection is closed|max retries|MaxRetriesPerRequest/i.test(err.message))
  );
}

/**
 * Redis is unreachable when ioredis refuses a command offline, the connection drops mid-command, a command
 * times out, or a failover is under way (no primary yet, a demoted one, the cluster reconfiguring; a
 * pipeline's MOVED, which ioredis passes on when the pipeline mixes a write with WAIT: nothing ran).
 */
export function isStoreDown(err: unknown): boolean {
  if (err instanceof ReplicaNotConfirmedError || err instanceof StoreDeadlineError) return true;
  const message = err instanceof Error ? err.message : '';
  return /Stream isn't writeable|Connection is closed|ECONNREFUSED|ECONNRESET|enableOfflineQueue|max retries|MaxRetriesPerRequest|NOSCRIPT|LOADING|ETIMEDOUT|EPIPE|Command timed out|Command aborted|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|MOVED \d|ASK \d|NOREPLICAS|isn't ready|Too many Cluster redirections|Failed to refresh slots cache|sentinels are unreachable|None of the sentinels|No subscriber|Cluster is ended/i.test(
    message,
  );
}
