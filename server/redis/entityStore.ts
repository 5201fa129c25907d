// Calls' and agents' stored events, and the one script that applies a batch of their changes, all or nothing.
import type { RedisClient } from './connect.ts';
import { scanKeys } from './scan.ts';
import type { StoredEvent } from '../../shared/events.ts';
import { BATCH_CONFLICT, BATCH_REFUSED } from './scripts.ts';
import { BUCKET_SOURCES, figureKeys, INTERVALS_PREFIX, type StoreKeys } from './keys.ts';
import { BatchRefusedError } from './errors.ts';
import { repliesOf } from './pipeline.ts';
import { createBatchRunner } from './batchRun.ts';
import { createStoreClock, type StoreClock } from './storeClock.ts';

/** What is stored of an entity ("call:<id>" or "agent:<id>"): its events and how they were last counted. */
export interface StoredEntity {
  version: string;
  /** The fingerprint of the figure rules its contribution was computed under (null: none yet). */
  rules: string | null;
  /** Swept out of the live figures (the live-call timeout). */
  expired: boolean;
  /** When an event for it last arrived, epoch ms (0: unknown). */
  arrivedAt: number;
  /** Agents only: `agent.state` events at or before this instant were dropped from the history. */
  floor: number;
  events: StoredEvent[];
}

/**
 * One change to the figures, on a figure key (see keys.ts `figureKeys`): increment a hash field by
 * `value` (dropped at 0), add a sorted-set member with score `value` or remove it, set a hash field to
 * `value` or delete it.
 */
export interface Operation {
  kind: 'increment' | 'addMember' | 'removeMember' | 'setValue' | 'deleteValue';
  key: string;
  field: string;
  value: string | number;
}

/** What to write for one entity, if its version is still `expectedVersion`. */
export interface EntityWrite {
  entity: string;
  expectedVersion: string;
  /** Apply even with no new event (a sweep changes only how the events count). */
  force: boolean;
  meta: { expired: boolean; arrivedAt?: number; floor: number };
  events: StoredEvent[];
  /** Event ids to drop (history beyond what the figures need). */
  drops: string[];
  ops: Operation[];
  /** The call log's change (a record moved or replaced), applied with `ops`. */
  log?: Operation[];
}

const OP_CODES: Record<Operation['kind'], string> = { increment: 'c', addMember: 'z', removeMember: 'Z', setValue: 'h', deleteValue: 'H' };

interface EntityStoreDeps {
  redis: RedisClient;
  keys: StoreKeys;
  entityTtlMs: number;
  counterTtlMs: number;
  /**
   * WALLBOARD_REDIS_DURABILITY=replica: a batch counts as written once `count` replicas hold it (WAIT) within
   * `timeoutMs`; batches go on `writer`, a connection of their own (WAIT blocks the connection it runs on).
   */
  replicas?: { count: number; timeoutMs: number; writer: RedisClient };
  /** Redis's clock, for batch deadlines (the health probe keeps it); default: one of its own, read when first needed. */
  clock?: StoreClock;
}

export function createEntityStore(deps: EntityStoreDeps) {
  const { redis, keys } = deps;
  const runner = createBatchRunner({ redis, clock: deps.clock ?? createStoreClock(redis, keys.lastEventAt), idsKey: keys.eventIds, replicas: deps.replicas });

  async function read(entities: string[]): Promise<StoredEntity[]> {
    if (entities.length === 0) return [];
    const pipe = redis.pipeline();
    for (const entity of entities) pipe.hgetall(keys.entity.events(entity)).hmget(keys.entity.meta(entity), 'v', 'r', 'x', 't', 'f');
    const replies = await repliesOf(pipe);
    return entities.map((_, i) => {
      const stored = replies[2 * i];
      const meta = replies[2 * i + 1];
      const [version, rules, expired, arrivedAt, floor] = meta as (string | null)[];
      return {
        version: version ?? '0',
        rules: rules ?? null,
        expired: expired === '1',
        arrivedAt: Number(arrivedAt ?? 0),
        floor: floor === null || floor === undefined ? -Infinity : Number(floor),
        events: Object.values(stored as Record<string, string>).map((json) => JSON.parse(json) as StoredEvent),
      };
    });
  }

  /**
   * Writes every entity in one script, all or nothing, and marks `arrivedAt` with it: `fresh` counts each one's new
   * events; `moved` lists (by index) those whose version changed since they were read, and then nothing was written.
   * With `withinMs` it settles within that, and BatchTooLateError means not stored, for good (redis/batchRun.ts).
   * `readBack`: the reply was lost, and the store was seen to hold the batch afterwards.
   */
  async function apply(
    writes: EntityWrite[],
    rulesFingerprint: string,
    opts: { arrivedAt?: number; withinMs?: number } = {},
  ): Promise<{ fresh: number[]; readBack?: true } | { moved: number[] }> {
    if (writes.length === 0 && opts.arrivedAt === undefined) return { fresh: [] };
    const scriptKeys: string[] = [];
    for (const w of writes) scriptKeys.push(keys.entity.events(w.entity), keys.entity.meta(w.entity));
    scriptKeys.push(keys.eventIds, keys.lastEventAt);
    // Live keys first, then the counters that expire with the figure retention.
    const live: string[] = [];
    const expiring: string[] = [];
    const index = new Map<string, number>();
    for (const w of writes) {
      for (const op of opsOf(w)) {
        if (index.has(op.key)) continue;
        index.set(op.key, 0);
        (op.key.startsWith(INTERVALS_PREFIX) ? expiring : live).push(op.key);
      }
    }
    // A change to what an agent's live state is computed from also moves it between the counts by state.
    const buckets = BUCKET_SOURCES.some((key) => index.has(key));
    const bucketKeyNames = [...BUCKET_SOURCES, figureKeys.agentBuckets, figureKeys.agentCounts];
    for (const key of buckets ? bucketKeyNames.filter((name) => !index.has(name)) : []) {
      index.set(key, 0);
      live.push(key);
    }
    const firstExpiring = scriptKeys.length + live.length + 1;
    for (const key of [...live, ...expiring]) index.set(key, scriptKeys.push(keys.figure(key)));
    const bucketKeys = buckets ? bucketKeyNames.map((key) => index.get(key)!) : [];

    // Events go as arguments of their own (their JSON kept as is); the rest as one JSON argument.
    const payload: unknown[] = [];
    const eventArgs: string[] = [];
    const stored = new Map<string, string>();
    for (const w of writes) {
      const meta: string[] = ['x', w.meta.expired ? '1' : '0'];
      if (w.meta.arrivedAt !== undefined) meta.push('t', String(w.meta.arrivedAt));
      if (Number.isFinite(w.meta.floor)) meta.push('f', String(w.meta.floor));
      const ops: (string | number)[] = [];
      for (const op of opsOf(w)) ops.push(OP_CODES[op.kind], index.get(op.key)!, op.field, String(op.value));
      for (const e of w.events) {
        eventArgs.push(e.id, JSON.stringify(e));
        stored.set(e.id, w.entity);
      }
      payload.push([w.entity, w.expectedVersion, w.force ? 1 : 0, meta, w.events.length, w.drops, ops]);
    }
    const argsFor = (deadline: number) => [
      writes.length,
      rulesFingerprint,
      firstExpiring,
      deps.entityTtlMs,
      deps.counterTtlMs,
      JSON.stringify(payload),
      JSON.stringify(bucketKeys),
      deadline,
      opts.arrivedAt === undefined ? '' : String(opts.arrivedAt),
      ...eventArgs,
    ];
    const run = await runner.run(scriptKeys, argsFor, { withinMs: opts.withinMs, stored });
    // A lost reply read back: each entity's new events are those it was sent (the script's version check held).
    if ('readBack' in run) return { fresh: writes.map((w) => w.events.length), readBack: true };
    const { reply } = run;
    if (reply[0] === BATCH_CONFLICT) return { moved: reply.slice(1).map((e) => Number(e) - 1) };
    if (reply[0] === BATCH_REFUSED) throw new BatchRefusedError(String(reply[1]));
    return { fresh: reply.map(Number) };
  }

  /** Of these event ids, those already accepted (for any call or agent). */
  async function acceptedIds(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const owners = await redis.hmget(keys.eventIds, ...ids);
    return new Set(ids.filter((_, i) => owners[i] !== null));
  }

  /**
   * Drops index entries whose entity is gone (its events expired with the retention), a page at a
   * time from `cursor`; returns the next cursor ("0": a full pass is done) and how many were dropped.
   */
  async function pruneIds(cursor: string): Promise<{ cursor: string; dropped: number }> {
    const [next, pairs] = await redis.hscan(keys.eventIds, cursor, 'COUNT', 1000);
    const entities = [...new Set(pairs.filter((_, i) => i % 2 === 1))];
    if (entities.length === 0) return { cursor: next, dropped: 0 };
    const alive = await redis.pipeline(entities.map((entity) => ['exists', keys.entity.meta(entity)])).exec();
    const gone = new Set(entities.filter((_, i) => alive?.[i]?.[1] === 0));
    const ids = pairs.filter((_, i) => i % 2 === 0 && gone.has(pairs[i + 1]!));
    const dropped = ids.length > 0 ? await redis.hdel(keys.eventIds, ...ids) : 0;
    return { cursor: next, dropped };
  }

  /** Keeps a version of the figure rules (set once; never changed). */
  async function registerRules(fingerprint: string, rules: string): Promise<void> {
    await redis.hsetnx(keys.figureRules, fingerprint, rules);
  }

  async function readRules(fingerprint: string): Promise<string | null> {
    return redis.hget(keys.figureRules, fingerprint);
  }

  /** Members of the live sets (waiting, on call, in wrap-up) that entered them before `cutoff`. */
  async function liveMembersBefore(cutoff: number): Promise<string[]> {
    const pipe = redis.pipeline();
    for (const key of [figureKeys.waiting('all'), figureKeys.onCall, figureKeys.inWrap]) pipe.zrangebyscore(keys.figure(key), '-inf', `(${cutoff}`);
    return (await repliesOf(pipe)).flatMap((members) => members as string[]);
  }

  /** Every stored entity's name, a page at a time. */
  async function* entityNames(): AsyncGenerator<string[]> {
    for await (const found of scanKeys(redis, keys.entity.metaPattern())) yield found.map(keys.entity.ofMeta);
  }

  /** Whether the call log's one-time backfill has run to its end, and marking that it has. */
  async function callLogBackfilled(): Promise<boolean> {
    return (await redis.exists(keys.callLogBackfilled)) === 1;
  }
  async function markCallLogBackfilled(): Promise<void> {
    await redis.set(keys.callLogBackfilled, new Date().toISOString());
  }

  return {
    read,
    apply,
    acceptedIds,
    callLogBackfilled,
    markCallLogBackfilled,
    pruneIds,
    registerRules,
    readRules,
    liveMembersBefore,
    entityNames,
  };
}

export type EntityStore = ReturnType<typeof createEntityStore>;

const opsOf = (w: EntityWrite): Operation[] => (w.log && w.log.length > 0 ? [...w.ops, ...w.log] : w.ops);
