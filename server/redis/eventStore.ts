// Stores accepted events per call (or agent) and keeps every counter equal to in-order processing.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { AgentStateEvent, StoredEvent } from '../../shared/events.ts';
import { Calendar } from '../domain/calendar.ts';
import { agentContribution, callContribution, EMPTY_CONTRIBUTION as EMPTY, type Contribution, type ContributionContext, type QueueThresholds } from '../domain/contribution.ts';
import type { TimedCallEvent } from '../domain/story.ts';
import { diffContributions } from './diff.ts';
import { APPLY_CONFLICT } from './scripts.ts';
import { storeKeys } from '../domain/keys.ts';

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
}

const MAX_ATTEMPTS = 20;

type Entity = { key: string; events: StoredEvent[] };

export function createEventStore(deps: EventStoreDeps) {
  const { redis, prefix } = deps;
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
    registered ??= redis.hsetnx(rulesKey, fingerprint, JSON.stringify(deps.rules));
    await registered;
    const result: IngestResult = { accepted: 0, duplicates: 0, scopes: new Set() };
    let pending = groupByEntity(batch, result);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new Error(`gave up on ${pending.length} contended calls`);
      pending = await applyOnce(pending, result);
    }
    // When the last event arrived, for the "live data delayed" banner.
    if (batch.length > 0) await redis.set(prefix + storeKeys.lastEventAt, String(Date.now()));
    return result;
  }

  async function applyOnce(entities: Entity[], result: IngestResult): Promise<Entity[]> {
    const read = redis.pipeline();
    for (const { key } of entities) {
      read.hgetall(prefix + storeKeys.events(key));
      read.hmget(prefix + storeKeys.meta(key), 'v', 'r');
    }
    const replies = await read.exec();
    if (!replies) throw new Error('pipeline returned nothing');

    const write = redis.pipeline();
    const attempted: { entity: Entity; scopes: string[] }[] = [];
    for (let i = 0; i < entities.length; i++) {
      const entity = entities[i]!;
      const [err1, stored] = replies[i * 2]!;
      const [err2, meta] = replies[i * 2 + 1]!;
      if (err1 || err2) throw err1 ?? err2;
      const known = stored as Record<string, string>;
      const fresh = entity.events.filter((e) => known[e.id] === undefined);
      if (fresh.length === 0) {
        result.duplicates += entity.events.length;
        continue;
      }
      const [version, rulesVersion] = meta as [string | null, string | null];
      const old = Object.values(known).map((json) => JSON.parse(json) as StoredEvent);
      const before = contributionOf(entity.key, old, await contextFor(rulesVersion));
      const after = contributionOf(entity.key, [...old, ...fresh], current);
      const ops = diffContributions(before, after, prefix);
      const args: (string | number)[] = [version ?? '0', fingerprint, fresh.length];
      for (const e of fresh) args.push(e.id, JSON.stringify(e));
      args.push(ops.length);
      for (const op of ops) args.push(...op);
      write.applyEntity(prefix + storeKeys.events(entity.key), prefix + storeKeys.meta(entity.key), ...args);
      attempted.push({ entity, scopes: ops.length > 0 ? [...new Set([...before.s, ...after.s])] : [] });
    }
    if (attempted.length === 0) return [];

    const outcomes = await write.exec();
    if (!outcomes) throw new Error('pipeline returned nothing');
    const retry: Entity[] = [];
    attempted.forEach(({ entity, scopes }, i) => {
      const [err, fresh] = outcomes[i]!;
      if (err) throw err;
      if (fresh === APPLY_CONFLICT) {
        retry.push(entity);
        return;
      }
      result.accepted += fresh as number;
      result.duplicates += entity.events.length - (fresh as number);
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
