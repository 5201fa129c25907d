// Stores accepted events per call (or agent) and keeps every counter equal to in-order processing.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { AgentStateEvent, StoredEvent } from '../../shared/events.ts';
import { Calendar } from '../domain/calendar.ts';
import {
  agentContribution,
  callContribution,
  EMPTY_CONTRIBUTION as EMPTY,
  type Contribution,
  type ContributionContext,
  type QueueThresholds,
} from '../domain/contribution.ts';
import type { TimedCallEvent } from '../domain/story.ts';
import { diffContributions } from './diff.ts';
import { APPLY_CONFLICT } from './scripts.ts';
import { INTERVALS_PREFIX, storeKeys } from '../domain/keys.ts';

export interface IngestResult {
  accepted: number;
  duplicates: number;
  /** Scopes (`all`, `queue:`, `agent:`) whose figures changed. */
  scopes: Set<string>;
}

/**
 * What a contribution depends on besides the events: the time zone and the queues' thresholds.
 * Each version is kept in Redis by its fingerprint, so a call applied under older rules can have its
 * old contribution recomputed exactly and replaced, instead of storing every contribution.
 */
export interface FigureRules {
  tz: string;
  defaults: QueueThresholds;
  queues: Record<string, QueueThresholds>;
}

export interface EventStoreDeps {
  redis: Redis;
  prefix: string;
  rules: FigureRules;
  /** How long a call's events are kept after its last event, days (0: for ever). Late events past it start afresh. */
  eventRetentionDays?: number;
  /** How long a day's counters are kept after their last change, days (0: for ever). */
  figureRetentionDays?: number;
}

const MAX_ATTEMPTS = 20;
const CACHE_ENTITIES = 50_000;

/** What is stored of an entity: its events and the version they carry. */
interface Known {
  version: string;
  rules: string | null;
  events: StoredEvent[];
  ids: Set<string>;
}

type Entity = { key: string; events: StoredEvent[] };

export function createEventStore(deps: EventStoreDeps) {
  const { redis, prefix } = deps;
  const DAY_MS = 24 * 3600 * 1000;
  const entityTtlMs = (deps.eventRetentionDays ?? 35) * DAY_MS;
  const counterTtlMs = (deps.figureRetentionDays ?? 400) * DAY_MS;
  const rulesKey = prefix + storeKeys.rules;
  const current = contextOf(deps.rules);
  const fingerprint = createHash('sha256').update(JSON.stringify(deps.rules)).digest('hex').slice(0, 16);
  const contexts = new Map<string, ContributionContext>([[fingerprint, current]]);
  let registered: Promise<unknown> | undefined;

  async function contextFor(version: string | null): Promise<ContributionContext> {
    if (version === null) return current;
    const known = contexts.get(version);
    if (known) return known;
    const raw = await redis.hget(rulesKey, version);
    if (!raw) throw new Error(`figure rules ${version} are missing from the store`);
    const context = contextOf(JSON.parse(raw) as FigureRules);
    contexts.set(version, context);
    return context;
  }

  function contributionOf(entity: string, events: StoredEvent[], context: ContributionContext): Contribution {
    if (events.length === 0) return EMPTY;
    if (entity.startsWith('agent:')) return agentContribution(entity.slice(6), events as (AgentStateEvent & { at: number })[]);
    return callContribution(entity.slice(5), events as TimedCallEvent[], context);
  }

  /** Applies every entity of the batch; entities whose version moved meanwhile are read and tried again. */
  async function ingest(batch: readonly StoredEvent[]): Promise<IngestResult> {
    // Registered once; a failure (store down) is forgotten so the next batch tries again.
    registered ??= redis.hsetnx(rulesKey, fingerprint, JSON.stringify(deps.rules)).catch((err: unknown) => {
      registered = undefined;
      throw err;
    });
    await registered;
    const result: IngestResult = { accepted: 0, duplicates: 0, scopes: new Set() };
    let pending = groupByEntity(batch, result);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new Error(`gave up on ${pending.length} contended calls`);
      pending = await applyOnce(pending, result, attempt > 0);
    }
    // When the last event arrived, for the "live data delayed" banner.
    if (batch.length > 0) await redis.set(prefix + storeKeys.lastEventAt, String(Date.now()));
    return result;
  }

  /**
   * The entities this process applied last, so most events skip re-reading their call from Redis. It
   * is only a hint: the script's version check refuses a stale one and the entity is read afresh.
   */
  const cache = new Map<string, Known>();
  const remember = (key: string, known: Known) => {
    cache.delete(key);
    cache.set(key, known);
    if (cache.size > CACHE_ENTITIES) cache.delete(cache.keys().next().value!);
  };

  async function readKnown(entities: Entity[], fresh: boolean): Promise<Known[]> {
    const out: (Known | undefined)[] = entities.map((e) => (fresh ? undefined : cache.get(e.key)));
    const missing = entities.filter((_, i) => out[i] === undefined);
    if (missing.length === 0) return out as Known[];
    const read = redis.pipeline();
    for (const { key } of missing) read.hgetall(prefix + storeKeys.events(key)).hmget(prefix + storeKeys.meta(key), 'v', 'r');
    const replies = (await read.exec()) ?? [];
    let at = 0;
    return out.map((known) => {
      if (known) return known;
      const [err1, stored] = replies[at++]!;
      const [err2, meta] = replies[at++]!;
      if (err1 || err2) throw err1 ?? err2;
      const [version, rules] = meta as [string | null, string | null];
      const events = Object.values(stored as Record<string, string>).map((json) => JSON.parse(json) as StoredEvent);
      return { version: version ?? '0', rules, events, ids: new Set(events.map((e) => e.id)) };
    });
  }

  async function applyOnce(entities: Entity[], result: IngestResult, fresh: boolean): Promise<Entity[]> {
    const knowns = await readKnown(entities, fresh);
    const write = redis.pipeline();
    const attempted: { entity: Entity; scopes: string[]; next: Known }[] = [];
    for (let i = 0; i < entities.length; i++) {
      const entity = entities[i]!;
      const known = knowns[i]!;
      const added = entity.events.filter((e) => !known.ids.has(e.id));
      if (added.length === 0) {
        result.duplicates += entity.events.length;
        continue;
      }
      const before = contributionOf(entity.key, known.events, await contextFor(known.rules));
      const events = [...known.events, ...added];
      const after = contributionOf(entity.key, events, current);
      const ops = diffContributions(before, after, prefix);
      const args: (string | number)[] = [known.version, fingerprint, added.length];
      for (const e of added) args.push(e.id, JSON.stringify(e));
      args.push(ops.length);
      for (const op of ops) args.push(...op);
      args.push(entityTtlMs, counterTtlMs, prefix + INTERVALS_PREFIX);
      write.applyEntity(prefix + storeKeys.events(entity.key), prefix + storeKeys.meta(entity.key), ...args);
      const next: Known = { version: String(Number(known.version) + 1), rules: fingerprint, events, ids: new Set([...known.ids, ...added.map((e) => e.id)]) };
      attempted.push({ entity, scopes: ops.length > 0 ? [...new Set([...before.s, ...after.s])] : [], next });
    }
    if (attempted.length === 0) return [];

    const outcomes = await write.exec();
    if (!outcomes) throw new Error('pipeline returned nothing');
    const retry: Entity[] = [];
    attempted.forEach(({ entity, scopes, next }, i) => {
      const [err, added] = outcomes[i]!;
      if (err) {
        cache.delete(entity.key);
        throw err;
      }
      if (added === APPLY_CONFLICT) {
        cache.delete(entity.key);
        retry.push(entity);
        return;
      }
      if ((added as number) > 0) remember(entity.key, next);
      result.accepted += added as number;
      result.duplicates += entity.events.length - (added as number);
      for (const scope of scopes) result.scopes.add(scope);
    });
    return retry;
  }

  return { ingest };
}

export type EventStore = ReturnType<typeof createEventStore>;

function contextOf(rules: FigureRules): ContributionContext {
  return { calendar: new Calendar(rules.tz), thresholds: (queue) => rules.queues[queue] ?? rules.defaults };
}

/** Groups a batch by call or agent; repeats of an id inside the batch count as duplicates. */
function groupByEntity(batch: readonly StoredEvent[], result: IngestResult): Entity[] {
  const seen = new Set<string>();
  const groups = new Map<string, StoredEvent[]>();
  for (const event of batch) {
    if (seen.has(event.id)) {
      result.duplicates++;
      continue;
    }
    seen.add(event.id);
    const key = event.type === 'agent.state' ? `agent:${event.agent}` : `call:${event.callId}`;
    const group = groups.get(key);
    if (group) group.push(event);
    else groups.set(key, [event]);
  }
  return [...groups].map(([key, events]) => ({ key, events }));
}
