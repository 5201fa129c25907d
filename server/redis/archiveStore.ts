// Export and import of the past: a range of days' figures, call records and the stored events of those calls,
// as NDJSON lines (one object each), written back exactly as they were.
import type { RedisClient } from './connect.ts';
import { scanKeys } from './scan.ts';
import { figureKeys, INTERVALS_PREFIX, type StoreKeys } from './keys.ts';
import { unpackArchive } from './callLogArchive.ts';
import { repliesOf } from './pipeline.ts';
import { queueKeysByDay, setAllOfDay } from './figureSchema.ts';

/** One line of an archive. Keys are logical (without the centre's prefix), so an archive moves between prefixes. */
export type ArchiveLine =
  | { kind: 'export'; version: 1 | 2; from: string; to: string; tz: string; exportedAt: string }
  | { kind: 'hash'; key: string; fields: Record<string, string> }
  | { kind: 'member'; key: string; member: string; score: number }
  | { kind: 'entity'; entity: string; meta: Record<string, string>; events: Record<string, string> }
  | { kind: 'rules'; fingerprint: string; rules: string }
  /** A queue with figures in the range (the queues `all` lists). */
  | { kind: 'queue'; queue: string; seen: string };

const DAY_KEY = /^i:.+:(\d{4}-\d{2}-\d{2})$/;
const QUEUE_KEY = figureKeys.intervals('queue:', '').slice(0, -1);

export function createArchiveStore(deps: { redis: RedisClient; keys: StoreKeys; entityTtlMs: number; counterTtlMs: number }) {
  const { redis, keys } = deps;

  /** The logical per-day keys of days in [from, to]. */
  async function dayKeys(from: string, to: string): Promise<string[]> {
    const out: string[] = [];
    for await (const found of scanKeys(redis, keys.figurePattern(`${INTERVALS_PREFIX}*`))) {
      for (const key of found.map(keys.logical)) {
        const day = DAY_KEY.exec(key)?.[1];
        if (day !== undefined && day >= from && day <= to) out.push(key);
      }
    }
    return out.sort();
  }

  /** Every line of the range: figures and records first, then each recorded call's stored events and their rules. */
  async function* exportDays(from: string, to: string): AsyncGenerator<ArchiveLine> {
    const callIds = new Set<string>();
    const queues = new Set<string>();
    for (const key of await dayKeys(from, to)) {
      const physical = keys.figure(key);
      if (key.startsWith(QUEUE_KEY)) queues.add(key.slice(QUEUE_KEY.length, -11));
      const type = await redis.type(physical);
      if (type === 'hash') {
        yield { kind: 'hash', key, fields: await redis.hgetall(physical) };
        continue;
      }
      // An archived call log goes out as the records it holds, into the day's call log.
      const archived = type === 'string' ? await redis.getBuffer(physical) : null;
      const into = archived ? figureKeys.callLog(key.slice(-10)) : key;
      const members = archived ? unpackArchive(archived) : pairs(await redis.zrange(physical, '0', '-1', 'WITHSCORES'));
      for (const [member, score] of members) {
        yield { kind: 'member', key: into, member, score };
        if (into.startsWith(figureKeys.callLog(''))) callIds.add((JSON.parse(member) as [string])[0]);
      }
    }
    const seen = queues.size === 0 ? [] : await redis.hmget(keys.figure(figureKeys.queuesSeen), ...queues);
    for (const [i, queue] of [...queues].entries()) yield { kind: 'queue', queue, seen: seen[i] ?? '1' };
    const fingerprints = new Set<string>();
    for (const callId of callIds) {
      const entity = `call:${callId}`;
      const [meta, events] = (await repliesOf(redis.pipeline().hgetall(keys.entity.meta(entity)).hgetall(keys.entity.events(entity)))) as Record<
        string,
        string
      >[];
      if (!meta || Object.keys(meta).length === 0) continue;
      if (meta.r) fingerprints.add(meta.r);
      yield { kind: 'entity', entity, meta, events: events ?? {} };
    }
    for (const fingerprint of fingerprints) {
      const rules = await redis.hget(keys.figureRules, fingerprint);
      if (rules !== null) yield { kind: 'rules', fingerprint, rules };
    }
  }

  /**
   * Writes lines back: figures field by field and records as they were (a day's later changes to other fields
   * stay), and a call's events only when the store does not hold that call (live data is never overwritten).
   */
  async function importLines(lines: ArchiveLine[]): Promise<{ keys: number; calls: number }> {
    const pipe = redis.pipeline();
    const touched = new Set<string>();
    const entities = lines.filter((l): l is Extract<ArchiveLine, { kind: 'entity' }> => l.kind === 'entity');
    const exists = entities.length === 0 ? [] : await repliesOf(entities.reduce((p, l) => p.exists(keys.entity.meta(l.entity)), redis.pipeline()));
    let calls = 0;
    for (const line of lines) {
      if (line.kind === 'hash' && Object.keys(line.fields).length > 0) pipe.hset(keys.figure(line.key), line.fields);
      if (line.kind === 'member') pipe.zadd(keys.figure(line.key), line.score, line.member);
      if (line.kind === 'hash' || line.kind === 'member') touched.add(line.key);
      if (line.kind === 'rules') pipe.hsetnx(keys.figureRules, line.fingerprint, line.rules);
      if (line.kind === 'queue') pipe.hsetnx(keys.figure(figureKeys.queuesSeen), line.queue, line.seen);
    }
    entities.forEach((line, i) => {
      if (Number(exists[i]) > 0 || Object.keys(line.events).length === 0) return;
      calls++;
      pipe.hset(keys.entity.events(line.entity), line.events).hset(keys.entity.meta(line.entity), line.meta);
      for (const id of Object.keys(line.events)) pipe.hsetnx(keys.eventIds, id, line.entity);
      if (deps.entityTtlMs > 0) pipe.pexpire(keys.entity.events(line.entity), deps.entityTtlMs).pexpire(keys.entity.meta(line.entity), deps.entityTtlMs);
    });
    if (deps.counterTtlMs > 0) for (const key of touched) pipe.pexpire(keys.figure(key), deps.counterTtlMs);
    await repliesOf(pipe);
    return { keys: touched.size, calls };
  }

  /** A day's `all` made its own counters `own` plus every queue's as stored (an import of an export of version 1). */
  async function settleAll(day: string, own: Record<string, string>): Promise<void> {
    await setAllOfDay(redis, keys, day, (await queueKeysByDay(redis, keys, day)).get(day) ?? [], own);
  }

  return { exportDays, importLines, settleAll };
}

export type ArchiveStore = ReturnType<typeof createArchiveStore>;

function pairs(reply: string[]): [string, number][] {
  const out: [string, number][] = [];
  for (let i = 0; i < reply.length; i += 2) out.push([reply[i]!, Number(reply[i + 1])]);
  return out;
}
