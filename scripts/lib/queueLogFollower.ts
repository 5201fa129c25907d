// Follows an Asterisk queue_log into the wallboard so that no line is lost: the checkpoint moves only after a 202,
// failures are retried with backoff, and the file may be rotated by rename, replaced, or copied and truncated.
import { open, readdir, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { WallboardEvent } from '../../shared/events.ts';
import { readCheckpoint, writeCheckpoint, type Checkpoint } from './checkpoint.ts';
import type { SendEvents } from './ingestSender.ts';
import { anchorHolds, FILE_START, identityOf, readBatch, type BatchLimits, type LineBatch, type LinePosition, type QueueLogText } from './queueLogReader.ts';

interface FollowerLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

interface QueueLogFollowerDeps {
  file: string;
  /** Where the checkpoint is kept; null for none (a one-shot import). */
  checkpointFile: string | null;
  send: SendEvents;
  /** The events of one queue_log line (the Asterisk adapter with its options). */
  eventsOf: (line: string) => WallboardEvent[];
  /** Keep reading as the file grows; false reads to its end (an unfinished last line included) and returns. */
  follow: boolean;
  /** How often the file is looked at when there is nothing new (default 1 s). */
  pollMs?: number;
  /** What one POST may carry at most (default 500 lines, 1 MB): also all that is held in memory. */
  limits?: Partial<BatchLimits>;
  /** Retry delays: the first, doubling up to the most (default 250 ms to 30 s), each with jitter. */
  backoff?: { firstMs: number; maxMs: number };
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
  log?: FollowerLog;
}

interface FollowerTotals {
  lines: number;
  events: number;
  accepted: number;
  duplicates: number;
  rejectedLines: number;
  retries: number;
}

/** Sending cannot go on (a refused token): the follower stops with this. */
export class FollowerFatalError extends Error {}

/** A line of the batch being sent, with its events. */
interface PendingLine {
  line: QueueLogText;
  events: WallboardEvent[];
}

/** A queue_log file opened for reading, and how far it has been acknowledged. */
interface OpenLog {
  path: string;
  handle: FileHandle;
  identity: string;
  position: LinePosition;
}

const quietLog: FollowerLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
const sleepUnlessStopped = (ms: number, signal: AbortSignal) => delay(ms, undefined, { signal }).catch(() => undefined);

export function createQueueLogFollower(deps: QueueLogFollowerDeps) {
  const log = deps.log ?? quietLog;
  const pollMs = deps.pollMs ?? 1000;
  const limits: BatchLimits = { maxLines: deps.limits?.maxLines ?? 500, maxBytes: deps.limits?.maxBytes ?? 1024 * 1024 };
  const backoff = deps.backoff ?? { firstMs: 250, maxMs: 30_000 };
  const sleep = deps.sleep ?? sleepUnlessStopped;
  const random = deps.random ?? Math.random;
  const stopping = new AbortController();
  const totals: FollowerTotals = { lines: 0, events: 0, accepted: 0, duplicates: 0, rejectedLines: 0, retries: 0 };
  let current: OpenLog | null = null;

  async function openLog(path: string, position: LinePosition): Promise<OpenLog | null> {
    try {
      const handle = await open(path, 'r');
      return { path, handle, identity: identityOf(await handle.stat({ bigint: true })), position };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async function save(at: OpenLog): Promise<void> {
    if (deps.checkpointFile === null) return;
    const checkpoint: Checkpoint = { identity: at.identity, file: at.path, ...at.position };
    await writeCheckpoint(deps.checkpointFile, checkpoint);
  }

  /** Files beside the queue_log named after it (queue_log.1, queue_log-20260310), checkpoints left out. */
  async function rotatedSiblings(): Promise<string[]> {
    const folder = dirname(deps.file);
    const stem = basename(deps.file);
    const ours = deps.checkpointFile === null ? null : basename(deps.checkpointFile);
    const isCheckpoint = (name: string) => name.includes('.wallboard-checkpoint') || (ours !== null && name.startsWith(ours));
    const names = await readdir(folder);
    return names
      .filter((name) => name.startsWith(stem) && name !== stem && !isCheckpoint(name))
      .sort()
      .map((name) => join(folder, name));
  }

  /** Where the lines after `position` went: the same file under another name, or else a copy that holds the same line there. */
  async function findContinuation(position: LinePosition, identity: string): Promise<OpenLog | null> {
    const candidates = await rotatedSiblings();
    for (const path of candidates) {
      const stats = await stat(path, { bigint: true }).catch(() => null);
      if (stats && identityOf(stats) === identity) return openLog(path, position);
    }
    for (const path of candidates) {
      const copy = await openLog(path, position);
      if (copy && (await anchorHolds(copy.handle, position))) return copy;
      await copy?.handle.close();
    }
    return null;
  }

  function backoffMs(attempt: number): number {
    const ceiling = Math.min(backoff.maxMs, backoff.firstMs * 2 ** attempt);
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  }

  /** The lines a 400 named (all of them when it named no event), each logged with the server's reasons; the rest to send again. */
  function dropRejected(path: string, pending: PendingLine[], errors: { index?: number; message: string }[]): PendingLine[] {
    const owners = pending.flatMap((p) => p.events.map(() => p));
    const reasons = new Map<PendingLine, string[]>();
    for (const error of errors) {
      const named = error.index === undefined ? undefined : owners[error.index];
      for (const p of named ? [named] : pending) reasons.set(p, [...(reasons.get(p) ?? []), error.message]);
    }
    for (const [p, messages] of reasons) {
      log.error(`line ${p.line.number} of ${path} rejected by the server (400: ${messages.join('; ')}), skipped: ${p.line.text.slice(0, 200)}`);
    }
    totals.rejectedLines += reasons.size;
    return pending.filter((p) => !reasons.has(p));
  }

  /** Sends a batch until the server has it (true), or until the follower is stopped (false). Lines the server rejects are skipped. */
  async function deliver(path: string, batch: LineBatch): Promise<boolean> {
    const range = batch.lines.length > 0 ? `lines ${batch.lines[0]!.number}–${batch.lines.at(-1)!.number} of ${path}` : `${path}`;
    if (batch.oversized.length > 0) log.error(`line ${batch.oversized.join(', ')} of ${path} is longer than ${limits.maxBytes} bytes: skipped`);
    let pending: PendingLine[] = batch.lines.map((line) => ({ line, events: deps.eventsOf(line.text) })).filter((p) => p.events.length > 0);
    let attempt = 0;
    while (pending.length > 0) {
      const events = pending.flatMap((p) => p.events);
      const outcome = await deps.send(events);
      if (outcome.kind === 'accepted') {
        totals.events += events.length;
        totals.accepted += outcome.accepted;
        totals.duplicates += outcome.duplicates;
        log.info(`${range}: ${events.length} events sent, ${outcome.accepted} accepted, ${outcome.duplicates} duplicates`);
        return true;
      }
      if (outcome.kind === 'fatal') throw new FollowerFatalError(outcome.reason);
      if (outcome.kind === 'rejected') {
        // The whole batch changed nothing: drop the lines the server named and send the rest again.
        pending = dropRejected(path, pending, outcome.errors);
        attempt = 0;
        continue;
      }
      if (stopping.signal.aborted) return false;
      const wait = backoffMs(attempt++);
      totals.retries++;
      log.warn(`${range} not sent (${outcome.reason}); trying again in ${wait} ms (attempt ${attempt})`);
      await sleep(wait, stopping.signal);
      if (stopping.signal.aborted) return false;
    }
    return true;
  }

  /** Reads and sends the next batch of `at`; false when it has nothing new. */
  async function sendNext(at: OpenLog, final: boolean): Promise<boolean> {
    if (!(await anchorHolds(at.handle, at.position))) {
      await restartTruncated(at);
      return true;
    }
    const batch = await readBatch(at.handle, at.position, limits, final);
    if (batch === null) return false;
    // Rewritten while we read (truncated and refilled past our offset): those bytes were not lines after ours.
    if (!(await anchorHolds(at.handle, at.position))) {
      await restartTruncated(at);
      return true;
    }
    if (!(await deliver(at.path, batch))) return true;
    at.position = batch.after;
    totals.lines += batch.lines.length + batch.oversized.length;
    await save(at);
    return true;
  }

  /** Reads a file that will not grow any more to its very end. */
  async function drain(at: OpenLog): Promise<void> {
    while (!stopping.signal.aborted && (await sendNext(at, true)));
  }

  /** Same file, other bytes before our offset (copy-truncate, or rewritten): finish the copy when it is beside it, then read from 0. */
  async function restartTruncated(at: OpenLog): Promise<void> {
    log.warn(`${at.path} was truncated or rewritten after line ${at.position.line} (copy-truncate?)`);
    const copy = await findContinuation(at.position, at.identity);
    if (copy) {
      log.info(`finishing the copy ${copy.path} after line ${copy.position.line} first`);
      await drain(copy);
      await copy.handle.close();
      if (stopping.signal.aborted) return;
    }
    at.position = FILE_START;
    await save(at);
    log.info(`reading ${at.path} again from the start`);
  }

  /** When another file with bytes has taken the path, Asterisk writes there: finish the old file, then switch. */
  async function followRotation(): Promise<boolean> {
    const atPath = await stat(deps.file, { bigint: true }).catch(() => null);
    if (current === null) {
      if (atPath === null) return false;
      current = await openLog(deps.file, FILE_START);
      if (current) log.info(`reading ${deps.file}`);
      return current !== null;
    }
    if (atPath === null || atPath.size === 0n || identityOf(atPath) === current.identity) return false;
    await drain(current);
    if (stopping.signal.aborted) return true;
    log.info(`${deps.file} was rotated: finished the old file at line ${current.position.line}; reading the new one from the start`);
    await current.handle.close();
    current = await openLog(deps.file, FILE_START);
    if (current) await save(current);
    return true;
  }

  /** The file and offset to start from: the checkpoint's, wherever rotation moved its file, or the start of the path. */
  async function openAtStart(): Promise<OpenLog | null> {
    const saved = deps.checkpointFile === null ? null : await readCheckpoint(deps.checkpointFile);
    const atPath = await openLog(deps.file, FILE_START);
    if (saved === null) return atPath;
    if (atPath && atPath.identity === saved.identity) {
      atPath.position = saved;
      log.info(`resuming ${deps.file} after line ${saved.line}`);
      return atPath;
    }
    const rotated = await findContinuation(saved, saved.identity);
    if (rotated) {
      log.info(`resuming the rotated ${rotated.path} after line ${saved.line}, then ${deps.file}`);
      await atPath?.handle.close();
      return rotated;
    }
    log.warn(`the checkpoint's file (${saved.file}, device:inode ${saved.identity}, line ${saved.line}) is gone; reading ${deps.file} from the start`);
    return atPath;
  }

  async function run(): Promise<FollowerTotals> {
    try {
      current = await openAtStart();
      while (!stopping.signal.aborted) {
        if (current && (await sendNext(current, !deps.follow))) continue;
        if (!deps.follow) break;
        if (await followRotation()) continue;
        await sleep(pollMs, stopping.signal);
      }
    } finally {
      await current?.handle.close();
      current = null;
    }
    return totals;
  }

  return {
    run,
    /** Ends `run` after the step in progress; a batch not yet acknowledged stays after the checkpoint. */
    stop: () => stopping.abort(),
    totals: (): Readonly<FollowerTotals> => totals,
  };
}

export type QueueLogFollower = ReturnType<typeof createQueueLogFollower>;
