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
import { diffContributions, type Operation } from './diff.ts';
import { BATCH_CONFLICT, BATCH_REFUSED } from './scripts.ts';
import { INTERVALS_PREFIX, isLiveCallKey, liveKeys, storeKeys } from '../domain/keys.ts';

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
  /** Thresholds by queue id; read with Object.hasOwn (ids are data: `constructor` is a queue like any other). */
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
  /** A call with no event for this long (by its `ts` and by arrival) leaves the live figures, ms (0: never). */
  liveCallTimeoutMs?: number;
  now?: () => number;
}

/** The store refused a batch (a check inside the script failed); nothing of it was written. */
export class BatchRefusedError extends Error {}

const MAX_ATTEMPTS = 20;
const CACHE_ENTITIES = 50_000;
/** An agent's live state needs only its latest `agent.state`; a few more are kept for the self-audit's eyes. */
export const AGENT_STATES_KEPT = 20;
const SWEEP_CHUNK = 200;

/** What is stored of an entity: its events, the version they carry and how they were last counted. */
export interface Known {
  version: string;
  rules: string | null;
  /** Swept out of the live figures (CONTRACT v2 live-call timeout). */
  expired: boolean;
  /** When an event for it last arrived, epoch ms (0: unknown). */
  arrivedAt: number;
  /** Agents only: `agent.state` events at or before this instant were dropped from the history and change nothing. */
  floor: number;
  events: StoredEvent[];
  ids: Set<string>;
}

type Entity = { key: string; events: StoredEvent[] };

interface Prepared {
  key: string;
  known: Known;
  next: Known;
  added: StoredEvent[];
  /** The added events that are stored: an agent's states older than its kept history are not. */
  written: StoredEvent[];
  drops: string[];
  ops: Operation[];
  scopes: string[];
  force: boolean;
}

export function createEventStore(deps: EventStoreDeps) {
  const { redis, prefix } = deps;
  const now = deps.now ?? Date.now;
  const DAY_MS = 24 * 3600 * 1000;
  const entityTtlMs = (deps.eventRetentionDays ?? 35) * DAY_MS;
  const counterTtlMs = (deps.figureRetentionDays ?? 400) * DAY_MS;
  const liveCallTimeoutMs = deps.liveCallTimeoutMs ?? 240 * 60_000;
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

  /** An entity's share of every counter; an expired call keeps its day figures and leaves the live sets. */
  function contributionOf(entity: string, events: StoredEvent[], context: ContributionContext, expired: boolean): Contribution {
    if (events.length === 0) return EMPTY;
    if (entity.startsWith('agent:')) return agentContribution(entity.slice(6), events as (AgentStateEvent & { at: number })[]);
    const callId = entity.slice(5);
    const contribution = callContribution(callId, events as TimedCallEvent[], context);
    if (!expired) return contribution;
    const lastAt = Math.max(...events.map((e) => e.at));
    const z = contribution.z.filter(([key]) => !isLiveCallKey(key));
    z.push([liveKeys.expired(context.calendar.dayOf(lastAt)), callId, lastAt]);
    return { ...contribution, z };
  }

  /** Applies every entity of the batch in one script: all of it, or (on any failure) none of it. */
  async function ingest(batch: readonly StoredEvent[]): Promise<IngestResult> {
    await registerRules();
    const duplicatesInBatch = { n: 0 };
    const entities = groupByEntity(batch, duplicatesInBatch);
    let moved = new Set<string>();
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const knowns = await readKnown(
        entities.map((e) => e.key),
        moved,
      );
      const arrivedAt = now();
      const prepared: Prepared[] = [];
      let duplicates = duplicatesInBatch.n;
      for (let i = 0; i < entities.length; i++) {
        const entity = entities[i]!;
        const known = knowns[i]!;
        const isAgent = entity.key.startsWith('agent:');
        const added = entity.events.filter((e) => !known.ids.has(e.id) && !(isAgent && e.at <= known.floor));
        duplicates += entity.events.length - added.length;
        if (added.length > 0) prepared.push(await prepare(entity.key, known, added, { expired: false, arrivedAt }));
      }
      const outcome = await applyBatch(prepared);
      if (outcome.moved) {
        moved = new Set([...moved, ...outcome.moved]);
        continue;
      }
      const result: IngestResult = { accepted: 0, duplicates, scopes: new Set() };
      prepared.forEach((p, i) => {
        const fresh = outcome.fresh[i]!;
        result.accepted += fresh;
        result.duplicates += p.added.length - fresh;
        for (const scope of p.scopes) result.scopes.add(scope);
      });
      // When the last event arrived, for the "live data delayed" banner (not part of the figures).
      if (batch.length > 0) await redis.set(prefix + storeKeys.lastEventAt, String(Date.now()));
      return result;
    }
    throw new Error(`gave up after ${MAX_ATTEMPTS} attempts on contended calls`);
  }

  function registerRules(): Promise<unknown> {
    // Registered once; a failure (store down) is forgotten so the next batch tries again.
    registered ??= redis.hsetnx(rulesKey, fingerprint, JSON.stringify(deps.rules)).catch((err: unknown) => {
      registered = undefined;
      throw err;
    });
    return registered;
  }

  /** The change from what is counted now to what the entity's events (with `added`) should count. */
  async function prepare(key: string, known: Known, added: StoredEvent[], after: { expired: boolean; arrivedAt: number }): Promise<Prepared> {
    const before = contributionOf(key, known.events, await contextFor(known.rules), known.expired);
    let events = [...known.events, ...added];
    let drops: string[] = [];
    let floor = known.floor;
    if (key.startsWith('agent:') && events.length > AGENT_STATES_KEPT) {
      const newestFirst = [...events].sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1));
      const dropped = newestFirst.slice(AGENT_STATES_KEPT);
      drops = dropped.filter((e) => known.ids.has(e.id)).map((e) => e.id);
      floor = Math.max(floor, ...dropped.map((e) => e.at));
      events = newestFirst.slice(0, AGENT_STATES_KEPT);
    }
    const contribution = contributionOf(key, events, current, after.expired);
    const ops = diffContributions(before, contribution, prefix);
    const ids = new Set(events.map((e) => e.id));
    const next: Known = {
      version: String(Number(known.version) + 1),
      rules: fingerprint,
      expired: after.expired,
      arrivedAt: after.arrivedAt,
      floor,
      events,
      ids,
    };
    const scopes = ops.length > 0 ? [...new Set([...before.s, ...contribution.s])] : [];
    const written = added.filter((e) => ids.has(e.id));
    return { key, known, next, added, written, drops, ops, scopes, force: added.length === 0 };
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

  async function readKnown(keys: string[], fresh: Set<string> | true): Promise<Known[]> {
    const out: (Known | undefined)[] = keys.map((key) => (fresh === true || fresh.has(key) ? undefined : cache.get(key)));
    const missing = keys.filter((_, i) => out[i] === undefined);
    if (missing.length === 0) return out as Known[];
    const read = redis.pipeline();
    for (const key of missing) read.hgetall(prefix + storeKeys.events(key)).hmget(prefix + storeKeys.meta(key), 'v', 'r', 'x', 't', 'f');
    const replies = (await read.exec()) ?? [];
    let at = 0;
    return out.map((known) => {
      if (known) return known;
      const [err1, stored] = replies[at++]!;
      const [err2, meta] = replies[at++]!;
      if (err1 || err2) throw err1 ?? err2;
      const [version, rules, expired, arrivedAt, floor] = meta as (string | null)[];
      const events = Object.values(stored as Record<string, string>).map((json) => JSON.parse(json) as StoredEvent);
      return {
        version: version ?? '0',
        rules: rules ?? null,
        expired: expired === '1',
        arrivedAt: Number(arrivedAt ?? 0),
        floor: Number(floor ?? -Infinity),
        events,
        ids: new Set(events.map((e) => e.id)),
      };
    });
  }

  /** Runs applyBatch for the prepared entities; `moved` lists those whose version changed meanwhile. */
  async function applyBatch(prepared: Prepared[]): Promise<{ fresh: number[]; moved?: undefined } | { moved: string[] }> {
    if (prepared.length === 0) return { fresh: [] };
    const keys: string[] = [];
    for (const p of prepared) keys.push(prefix + storeKeys.events(p.key), prefix + storeKeys.meta(p.key));
    // Live keys first, then the counters that expire with the figure retention.
    const opKeys = new Set(prepared.flatMap((p) => p.ops.map((op) => op[1])));
    const expiring = (key: string) => key.startsWith(prefix + INTERVALS_PREFIX);
    const ordered = [...[...opKeys].filter((k) => !expiring(k)), ...[...opKeys].filter(expiring)];
    const firstExpiring = keys.length + 1 + ordered.filter((k) => !expiring(k)).length;
    const index = new Map<string, number>();
    for (const key of ordered) index.set(key, keys.push(key));

    const args: (string | number)[] = [prepared.length, fingerprint, firstExpiring, entityTtlMs, counterTtlMs];
    for (const p of prepared) {
      const meta: [string, string][] = [['x', p.next.expired ? '1' : '0']];
      if (!p.force) meta.push(['t', String(p.next.arrivedAt)]);
      if (Number.isFinite(p.next.floor)) meta.push(['f', String(p.next.floor)]);
      args.push(p.known.version, p.force ? '1' : '0', meta.length, ...meta.flat(), p.written.length);
      for (const e of p.written) args.push(e.id, JSON.stringify(e));
      args.push(p.drops.length, ...p.drops, p.ops.length);
      for (const [op, key, field, value] of p.ops) args.push(op, index.get(key)!, field, value);
    }
    let reply: (number | string)[];
    try {
      reply = await redis.applyBatch(keys.length, ...keys, ...args);
    } catch (err) {
      for (const p of prepared) cache.delete(p.key);
      throw err;
    }
    if (reply[0] === BATCH_CONFLICT) {
      const moved = reply.slice(1).map((e) => prepared[Number(e) - 1]!.key);
      for (const key of moved) cache.delete(key);
      return { moved };
    }
    if (reply[0] === BATCH_REFUSED) throw new BatchRefusedError(String(reply[1]));
    const fresh = reply.map(Number);
    prepared.forEach((p, i) => {
      if (fresh[i]! > 0 || p.force) remember(p.key, p.next);
      else cache.delete(p.key);
    });
    // Events dropped at once (older than an agent's kept history) were accepted and change nothing.
    return { fresh: prepared.map((p, i) => fresh[i]! + p.added.length - p.written.length) };
  }

  /**
   * Takes calls with no event for the live-call timeout (by `ts` and by arrival) out of the live
   * figures: waiting, longest wait, on call, on hold and in wrap-up. Their day figures stay.
   */
  async function sweepLiveCalls(): Promise<{ expired: number; scopes: Set<string> }> {
    const scopes = new Set<string>();
    if (liveCallTimeoutMs <= 0) return { expired: 0, scopes };
    const cutoff = now() - liveCallTimeoutMs;
    const read = redis.pipeline();
    for (const key of [liveKeys.waiting('all'), liveKeys.onCall, liveKeys.inWrap]) read.zrangebyscore(prefix + key, '-inf', `(${cutoff}`);
    const calls = new Set<string>();
    for (const [err, members] of (await read.exec()) ?? []) {
      if (err) throw err;
      for (const member of members as string[]) calls.add(callOfMember(member));
    }
    let expired = 0;
    const candidates = [...calls].map((id) => `call:${id}`);
    for (let at = 0; at < candidates.length; at += SWEEP_CHUNK) {
      const keys = candidates.slice(at, at + SWEEP_CHUNK);
      const knowns = await readKnown(keys, true);
      const prepared: Prepared[] = [];
      for (let i = 0; i < keys.length; i++) {
        const known = knowns[i]!;
        if (known.expired || known.events.length === 0) continue;
        const lastAt = Math.max(...known.events.map((e) => e.at));
        if (Math.max(lastAt, known.arrivedAt) >= cutoff) continue;
        prepared.push(await prepare(keys[i]!, known, [], { expired: true, arrivedAt: known.arrivedAt }));
      }
      const outcome = await applyBatch(prepared);
      if (outcome.moved) continue; // an event arrived meanwhile: the next sweep looks again
      expired += prepared.length;
      for (const p of prepared) for (const scope of p.scopes) scopes.add(scope);
    }
    return { expired, scopes };
  }

  /** Every stored entity with its events and how they were counted, for the self-audit. */
  async function* entities(): AsyncGenerator<{ key: string; known: Known; contribution: Contribution }> {
    const metaPrefix = prefix + storeKeys.meta('');
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${escapeGlob(metaPrefix)}*`, 'COUNT', 1000);
      cursor = next;
      const keys = found.map((k) => k.slice(metaPrefix.length));
      const knowns = await readKnown(keys, true);
      for (let i = 0; i < keys.length; i++) {
        const known = knowns[i]!;
        yield { key: keys[i]!, known, contribution: contributionOf(keys[i]!, known.events, await contextFor(known.rules), known.expired) };
      }
    } while (cursor !== '0');
  }

  return { ingest, sweepLiveCalls, entities, liveCallTimeoutMs };
}

export type EventStore = ReturnType<typeof createEventStore>;

function contextOf(rules: FigureRules): ContributionContext {
  return {
    calendar: new Calendar(rules.tz),
    thresholds: (queue) => (Object.hasOwn(rules.queues, queue) ? rules.queues[queue]! : rules.defaults),
  };
}

/** The call id in a live-set member: "<callId>#<segment>" or "<agent>\0<callId>#<segment>#<part>". */
function callOfMember(member: string): string {
  const cut = member.indexOf('\u0000');
  if (cut < 0) return member.slice(0, member.lastIndexOf('#'));
  const rest = member.slice(cut + 1);
  return rest.slice(0, rest.lastIndexOf('#', rest.lastIndexOf('#') - 1));
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** Groups a batch by call or agent; repeats of an id inside the batch count as duplicates. */
function groupByEntity(batch: readonly StoredEvent[], duplicates: { n: number }): Entity[] {
  const seen = new Set<string>();
  const groups = new Map<string, StoredEvent[]>();
  for (const event of batch) {
    if (seen.has(event.id)) {
      duplicates.n++;
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
