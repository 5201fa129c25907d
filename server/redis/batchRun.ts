// Runs the batch script against a deadline on Redis's own clock, so that a batch answered without its reply is
// truly not stored: a copy still queued on a connection (Redis paused, a resend after a reconnect) refuses itself.
import { Cluster } from 'ioredis';
import type { RedisClient } from './connect.ts';
import { BatchTooLateError, outcomeUnknown, ReplicaNotConfirmedError, withDeadline } from './errors.ts';
import { repliesOf } from './pipeline.ts';
import { BATCH_CONFLICT, BATCH_LATE, BATCH_REFUSED } from './scripts.ts';
import type { StoreClock } from './storeClock.ts';

/** The longest a batch waits for its reply past its deadline, and then for the read back of the id index. */
const GRACE_MS = 750;

interface BatchRunDeps {
  redis: RedisClient;
  clock: StoreClock;
  /** The index of accepted event ids (event id → entity), read back when a reply is lost. */
  idsKey: string;
  /** durability=replica: WAIT for `count` replicas within `timeoutMs`, on `writer`, after the script. */
  replicas?: { count: number; timeoutMs: number; writer: RedisClient };
}

/** The script's reply, or `readBack`: the reply was lost and the id index, read after the deadline, holds the batch. */
type BatchRun = { reply: (number | string)[] } | { readBack: true };

export function createBatchRunner(deps: BatchRunDeps) {
  const { clock } = deps;
  const conn = deps.replicas?.writer ?? deps.redis;
  const waitMs = deps.replicas?.timeoutMs ?? 0;

  /**
   * Runs applyBatch with `argsFor(deadline)` (the deadline on Redis's clock, 0: none). With `withinMs`, it settles
   * within that: the script must start by `refuseAfter`, its reply (after WAIT's) gets a grace, and a lost one is
   * settled by reading back the ids of `stored` (new event id → entity). BatchTooLateError: not stored.
   */
  async function run(
    keys: string[],
    argsFor: (deadline: number) => (string | number)[],
    opts: { withinMs?: number; stored: Map<string, string> },
  ): Promise<BatchRun> {
    if (opts.withinMs === undefined) return { reply: checked(await send(keys, argsFor(0))) };
    const sentAt = clock.now();
    const until = sentAt + opts.withinMs;
    const grace = Math.min(GRACE_MS, opts.withinMs / 8);
    // Within the connection's own command timeout too, which would drop the reply before the grace is over.
    const refuseAfter = Math.min(until - waitMs - 2 * grace, sentAt + commandTimeoutOf(conn) - waitMs - grace);
    if (clock.toStore(refuseAfter) === undefined) await clock.measure(grace);
    if (refuseAfter <= clock.now()) throw new BatchTooLateError('no time left for the batch before its deadline');
    const deadline = Math.ceil(clock.toStore(refuseAfter)!);
    try {
      const reply = await withDeadline(send(keys, argsFor(deadline)), Math.ceil(refuseAfter + waitMs + grace - clock.now()), 'batch');
      // This copy ran past its deadline and wrote nothing; an earlier copy whose reply was lost may have written the
      // batch. Redis's clock is past the deadline now, so the id index says which, for good.
      if (reply[0] === BATCH_LATE) return readBack(opts.stored, refuseAfter, until, `a copy reached the store ${reply[1]} ms past its deadline`);
      return { reply };
    } catch (err) {
      if (!outcomeUnknown(err)) throw err;
      return readBack(opts.stored, refuseAfter, until, (err as Error).message);
    }
  }

  /**
   * The reply did not come. From `refuseAfter` on, no copy of the script can write (it checks TIME), so the id index
   * read after that says whether one did. A read that gets no answer either leaves the batch taken as not stored:
   * wrong only if the script started before its deadline and Redis then answered neither its reply nor the read in
   * time (a hang or a cut connection right after the script ran). That is the window a 503 may still be untrue in.
   */
  async function readBack(stored: Map<string, string>, refuseAfter: number, until: number, cause: string): Promise<BatchRun> {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, refuseAfter + 1 - clock.now())));
    const ids = [...stored.keys()];
    let owners: (string | null)[];
    try {
      if (ids.length === 0) throw new Error('no new event id to look for');
      owners = await withDeadline(deps.redis.hmget(deps.idsKey, ...ids), Math.ceil(until - clock.now()), 'read back');
    } catch (err) {
      throw new BatchTooLateError(`${cause}; not read back: ${(err as Error).message}`, true);
    }
    if (!ids.every((id, i) => owners[i] === stored.get(id))) throw new BatchTooLateError(`${cause}; not in the store after its deadline`);
    if (deps.replicas) throw new ReplicaNotConfirmedError(`the primary holds the batch; its reply and WAIT's did not come (${cause})`);
    return { readBack: true };
  }

  /** The script, then (durability=replica) WAIT on the same connection: pipelined, so on a Cluster both go to the centre's primary. */
  async function send(keys: string[], args: (string | number)[]): Promise<(number | string)[]> {
    if (!deps.replicas) return deps.redis.applyBatch(keys.length, ...keys, ...args);
    const { count, timeoutMs, writer } = deps.replicas;
    const [reply, acknowledged] = (await repliesOf(
      writer
        .pipeline()
        .applyBatch(keys.length, ...keys, ...args)
        .call('WAIT', count, timeoutMs),
    )) as [(number | string)[], number];
    const wrote = reply[0] !== BATCH_CONFLICT && reply[0] !== BATCH_REFUSED && reply[0] !== BATCH_LATE;
    if (wrote && acknowledged < count) throw new ReplicaNotConfirmedError(`${acknowledged} of ${count} replicas confirmed the batch within ${timeoutMs} ms`);
    return reply;
  }

  return { run };
}

/** A reply that says the script found itself past its deadline is BatchTooLateError: nothing written. */
function checked(reply: (number | string)[]): (number | string)[] {
  if (reply[0] === BATCH_LATE) throw new BatchTooLateError(`the batch reached the store ${reply[1]} ms past its deadline`);
  return reply;
}

/** The connection's own command timeout (ioredis rejects a command after it, and drops its late reply). */
function commandTimeoutOf(conn: RedisClient): number {
  return (conn instanceof Cluster ? conn.options.redisOptions?.commandTimeout : conn.options.commandTimeout) ?? Infinity;
}
