// Ingest: reads what each call (or agent) of a batch already counts, plans the change (ingestPlan.ts: named
// counter operations and the scopes they touch) and has the store apply all of it or none.
import { createHash } from 'node:crypto';
import { setImmediate as turnOfTheLoop } from 'node:timers/promises';
import type { StoredEvent } from '../../shared/events.ts';
import type { EntityStore, EntityWrite, StoredEntity } from '../redis/entityStore.ts';
import { withDeadline } from '../redis/errors.ts';
import { steadyNow } from '../redis/storeClock.ts';
import type { Clock } from './clock.ts';
import { logChange, type LogEntry } from './callLog.ts';
import type { Contribution, ContributionContext } from './contribution.ts';
import {
  callLogEntryOf,
  callOfMember,
  contextOf,
  contributionUnder,
  groupByEntity,
  lastEventAt,
  onlyEvaluations,
  planEntity,
  type FigureRules,
  type Known,
  type Plan,
} from './ingestPlan.ts';

export { type FigureRules } from './ingestPlan.ts';

export interface IngestResult {
  accepted: number;
  duplicates: number;
  /** Scopes (`all`, `queue:`, `agent:`) whose figures changed. */
  scopes: Set<string>;
}

const MAX_ATTEMPTS = 20;
const CACHE_ENTITIES = 50_000;
const SWEEP_CHUNK = 200;
/** Entities planned between turns of the event loop: planning awaits only microtasks, and big batches held it seconds. */
export const PLAN_CHUNK = 250;

export function createIngest(deps: {
  store: EntityStore;
  rules: FigureRules;
  clock: Clock;
  liveCallTimeoutMs: number;
  /** The longest one batch may take in the store before it is answered 503 (default 6000 ms). */
  deadlineMs?: number;
}) {
  const { store, clock } = deps;
  const current = contextOf(deps.rules);
  const rulesJson = JSON.stringify(deps.rules);
  const fingerprint = createHash('sha256').update(rulesJson).digest('hex').slice(0, 16);
  const contexts = new Map<string, ContributionContext>([[fingerprint, current]]);
  /** The entities this process applied last: a hint that saves reads; the script's version check refuses a stale one. */
  const cache = new Map<string, Known>();
  let registered: Promise<unknown> | undefined;

  async function contextFor(version: string | null): Promise<ContributionContext> {
    if (version === null) return current;
    const known = contexts.get(version);
    if (known) return known;
    const raw = await store.readRules(version);
    if (!raw) throw new Error(`figure rules ${version} are missing from the store`);
    const context = contextOf(JSON.parse(raw) as FigureRules);
    contexts.set(version, context);
    return context;
  }

  /** An entity's share of every counter; an expired call keeps its day figures and leaves the live sets. */
  async function contributionOf(entity: string, known: Pick<StoredEntity, 'events' | 'rules' | 'expired'>, rules?: ContributionContext): Promise<Contribution> {
    const context = rules ?? (await contextFor(known.rules));
    return contributionUnder(entity, known.events, context, known.expired);
  }

  /** Applies every entity of the batch in one script, all or none, within `deadlineMs`: a failure stored nothing, for good. */
  function ingest(batch: readonly StoredEvent[]): Promise<IngestResult> {
    return ingestNow(batch, steadyNow() + (deps.deadlineMs ?? 6000));
  }

  async function ingestNow(batch: readonly StoredEvent[], until: number): Promise<IngestResult> {
    // Reads are bounded by what is left; the batch script bounds itself (a late answer must not outrun it).
    const within = <T>(work: Promise<T>) => withDeadline(work, Math.ceil(until - steadyNow()), 'ingest');
    await within(registerRules());
    const { groups, repeats } = groupByEntity(batch);
    const batchIds = [...groups.values()].flatMap((events) => events.map((e) => e.id));
    let moved: Set<string> | null = null;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { knowns, elsewhere } = (!moved && guessKnown(groups)) || (await within(readBatch(groups, batchIds, moved ?? new Set())));
      // The rules each entity was counted under (a read only for a version not seen here yet), so planning never waits.
      await within(Promise.all([...new Set([...knowns.values()].map((k) => k.rules))].map(contextFor)));
      const arrivedAt = clock();
      const plans: Plan[] = [];
      let duplicates = repeats;
      let planned = 0;
      for (const [entity, events] of groups) {
        if (++planned % PLAN_CHUNK === 0) await turnOfTheLoop();
        const known = knowns.get(entity)!;
        const added = events.filter((e) => !known.ids.has(e.id) && !elsewhere.has(e.id) && !(entity.startsWith('agent:') && e.at <= known.floor));
        duplicates += events.length - added.length;
        if (added.length === 0) continue;
        const qaOnly = onlyEvaluations(added);
        plans.push(await plan(entity, known, added, { expired: qaOnly && known.expired, arrivedAt: qaOnly ? known.arrivedAt : arrivedAt }));
      }
      // Arrival is marked by the batch's script: one round trip (and one fsync), and only if the batch is stored.
      const outcome = await applyPlans(plans, { arrivedAt: batch.length > 0 ? arrivedAt : undefined, withinMs: until - steadyNow() });
      if ('moved' in outcome) {
        moved = new Set([...(moved ?? []), ...outcome.moved]);
        continue;
      }
      const result: IngestResult = { accepted: 0, duplicates, scopes: new Set() };
      plans.forEach((p, i) => {
        // Events older than an agent's kept history are accepted and stored nowhere: they change nothing.
        const fresh = outcome.fresh[i]! + p.added - p.write.events.length;
        result.accepted += fresh;
        result.duplicates += p.added - fresh;
        for (const scope of p.scopes) result.scopes.add(scope);
      });
      return result;
    }
    throw new Error(`gave up after ${MAX_ATTEMPTS} attempts on contended calls`);
  }

  /**
   * A first attempt needs no read when every entity is one this process applied last (the cache) or a call the batch
   * offers (new, as a rule): the script refuses a wrong guess (a version that moved, an id another entity took) and
   * the retry reads. Null when some entity must be read.
   */
  function guessKnown(groups: Map<string, StoredEvent[]>): { knowns: Map<string, Known>; elsewhere: Set<string> } | null {
    const knowns = new Map<string, Known>();
    for (const [entity, events] of groups) {
      const known = cache.get(entity) ?? (entity.startsWith('call:') && events.some((e) => e.type === 'call.offered') ? unstored() : undefined);
      if (!known) return null;
      knowns.set(entity, known);
    }
    return { knowns, elsewhere: new Set() };
  }

  /**
   * The entities (those in `fresh` from the store, the rest from the cache) and, in the same round trip, which of the
   * batch's ids are accepted already: an id is accepted once, whichever call or agent it names.
   */
  async function readBatch(groups: Map<string, StoredEvent[]>, ids: string[], fresh: Set<string>) {
    const [knowns, elsewhere] = await Promise.all([readKnown([...groups.keys()], fresh), store.acceptedIds(ids)]);
    return { knowns, elsewhere };
  }

  function registerRules(): Promise<unknown> {
    // Registered once; a failure (store down) is forgotten so the next batch tries again.
    registered ??= store.registerRules(fingerprint, rulesJson).catch((err: unknown) => {
      registered = undefined;
      throw err;
    });
    return registered;
  }

  /** The change from what is counted now to what the entity's events (with `added`) should count. */
  async function plan(entity: string, known: Known, added: StoredEvent[], after: { expired: boolean; arrivedAt: number }): Promise<Plan> {
    return planEntity(entity, known, added, after, { before: await contextFor(known.rules), current, fingerprint });
  }

  async function applyPlans(plans: Plan[], opts?: { arrivedAt?: number; withinMs?: number }): Promise<{ fresh: number[] } | { moved: string[] }> {
    let outcome: Awaited<ReturnType<EntityStore['apply']>>;
    try {
      outcome = await store.apply(
        plans.map((p) => p.write),
        fingerprint,
        opts,
      );
    } catch (err) {
      for (const p of plans) cache.delete(p.write.entity);
      throw err;
    }
    if ('moved' in outcome) {
      const moved = outcome.moved.map((i) => plans[i]!.write.entity);
      for (const entity of moved) cache.delete(entity);
      return { moved };
    }
    // A batch read back (its reply lost) may have been stored by a resend elsewhere: not a base to plan on.
    plans.forEach((p, i) => (!outcome.readBack && (outcome.fresh[i]! > 0 || p.write.force) ? remember(p.write.entity, p.next) : cache.delete(p.write.entity)));
    return outcome;
  }

  function remember(entity: string, known: Known): void {
    cache.delete(entity);
    cache.set(entity, known);
    // A tenth at a time: taking the oldest one by one walks the holes earlier deletes left, quadratic (a second a batch).
    if (cache.size <= CACHE_ENTITIES) return;
    const oldest = cache.keys();
    for (let excess = cache.size - CACHE_ENTITIES * 0.9; excess > 0; excess--) cache.delete(oldest.next().value!);
  }

  async function readKnown(entities: string[], fresh: Set<string> | 'all'): Promise<Map<string, Known>> {
    const out = new Map<string, Known>();
    const missing: string[] = [];
    for (const entity of entities) {
      const hit = fresh === 'all' || fresh.has(entity) ? undefined : cache.get(entity);
      if (hit) out.set(entity, hit);
      else missing.push(entity);
    }
    const stored = await store.read(missing);
    missing.forEach((entity, i) => out.set(entity, { ...stored[i]!, ids: new Set(stored[i]!.events.map((e) => e.id)) }));
    return out;
  }

  /**
   * Takes calls with no event for the live-call timeout (by `ts` and by arrival) out of the live
   * figures: waiting, longest wait, on call, on hold and wrap-up. Their day figures stay.
   */
  async function sweepLiveCalls(): Promise<{ expired: number; scopes: Set<string> }> {
    const scopes = new Set<string>();
    if (deps.liveCallTimeoutMs <= 0) return { expired: 0, scopes };
    const cutoff = clock() - deps.liveCallTimeoutMs;
    const candidates = [...new Set((await store.liveMembersBefore(cutoff)).map(callOfMember))].map((id) => `call:${id}`);
    let expired = 0;
    for (let at = 0; at < candidates.length; at += SWEEP_CHUNK) {
      const knowns = await readKnown(candidates.slice(at, at + SWEEP_CHUNK), 'all');
      const plans: Plan[] = [];
      for (const [entity, known] of knowns) {
        if (known.expired || known.events.length === 0) continue;
        if (Math.max(lastEventAt(known.events), known.arrivedAt) >= cutoff) continue;
        plans.push(await plan(entity, known, [], { expired: true, arrivedAt: known.arrivedAt }));
      }
      const outcome = await applyPlans(plans);
      if ('moved' in outcome) continue; // an event arrived meanwhile: the next sweep looks again
      expired += plans.length;
      for (const p of plans) for (const scope of p.scopes) scopes.add(scope);
    }
    return { expired, scopes };
  }

  /** One page of the id index's clean-up (ids of calls whose events expired); a full pass takes many calls. */
  let pruneCursor = '0';
  async function pruneIdIndex(): Promise<number> {
    const { cursor, dropped } = await store.pruneIds(pruneCursor);
    pruneCursor = cursor;
    return dropped;
  }

  /** Every stored entity with what it should count now, for the self-audit. */
  async function* recount(): AsyncGenerator<{ entity: string; contribution: Contribution; log: LogEntry | null }> {
    for await (const names of store.entityNames()) {
      const knowns = await readKnown(names, 'all');
      for (const [entity, known] of knowns) {
        const context = await contextFor(known.rules);
        yield { entity, contribution: await contributionOf(entity, known, context), log: callLogEntryOf(entity, known.events, context) };
      }
    }
  }

  /**
   * Writes the call-log record of every stored call: once after an upgrade, for calls counted before the log
   * existed (each write is versioned like any other, so a call that changes meanwhile gets its record from that
   * change; running it again rewrites the same records). Returns how many calls it wrote.
   */
  async function backfillCallLog(opts: { once?: boolean } = {}): Promise<number> {
    if (opts.once && (await store.callLogBackfilled())) return 0;
    let written = 0;
    for await (const names of store.entityNames()) {
      const knowns = await readKnown(
        names.filter((n) => n.startsWith('call:')),
        'all',
      );
      const byRules = new Map<string, EntityWrite[]>();
      for (const [entity, known] of knowns) {
        if (known.rules === null) continue;
        const entry = callLogEntryOf(entity, known.events, await contextFor(known.rules));
        if (!entry) continue;
        const meta = { expired: known.expired, floor: known.floor };
        const write: EntityWrite = { entity, expectedVersion: known.version, force: true, meta, events: [], drops: [], ops: [], log: logChange(null, entry) };
        byRules.set(known.rules, [...(byRules.get(known.rules) ?? []), write]);
      }
      // Under each call's own rules fingerprint: the script stores the batch's fingerprint with each entity.
      for (const [rules, writes] of byRules) written += await applyEach(writes, rules);
    }
    await store.markCallLogBackfilled();
    return written;
  }

  /** Applies writes; those whose version moved meanwhile are dropped (their own change wrote them) and the rest retried. */
  async function applyEach(writes: EntityWrite[], rules: string): Promise<number> {
    let left = writes;
    for (let attempt = 0; attempt < MAX_ATTEMPTS && left.length > 0; attempt++) {
      for (const w of left) cache.delete(w.entity);
      const outcome = await store.apply(left, rules);
      if ('fresh' in outcome) return left.length;
      const moved = new Set(outcome.moved);
      left = left.filter((_, i) => !moved.has(i));
    }
    return 0;
  }

  return { ingest, sweepLiveCalls, pruneIdIndex, recount, backfillCallLog };
}

export type Ingest = ReturnType<typeof createIngest>;

/** An entity the store does not hold, as the store reads one. */
function unstored(): Known {
  return { version: '0', rules: null, expired: false, arrivedAt: 0, floor: -Infinity, events: [], ids: new Set() };
}
