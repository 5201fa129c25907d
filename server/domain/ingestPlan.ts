// Ingest planning as pure functions: what one call's (or agent's) events before and after a batch change,
// as named counter operations and the scopes they touch. ingest.ts reads, plans with these and applies.
import type { AgentStateEvent, StoredEvent } from '../../shared/events.ts';
import type { EntityWrite, StoredEntity } from '../redis/entityStore.ts';
import { figureKeys, isLiveCallKey } from '../redis/keys.ts';
import { Calendar } from './calendar.ts';
import { agentContribution, callContribution, EMPTY_CONTRIBUTION, type Contribution, type ContributionContext, type QueueThresholds } from './contribution.ts';
import { diffContributions } from './diff.ts';
import { callLogEntry, logChange, type LogEntry } from './callLog.ts';
import type { TimedCallEvent } from './story.ts';

/**
 * What a contribution depends on besides the events: the time zone and the queues' thresholds.
 * Each version is kept in the store by its fingerprint, so a call counted under older rules can have
 * its old contribution recomputed exactly and replaced, instead of storing every contribution.
 */
export interface FigureRules {
  tz: string;
  defaults: QueueThresholds;
  /** Thresholds by queue id; read with Object.hasOwn (ids are data: `constructor` is a queue like any other). */
  queues: Record<string, QueueThresholds>;
}

/** An agent's live state needs only its latest `agent.state`; a few more are kept for the audit's eyes. */
export const AGENT_STATES_KEPT = 20;

/** An entity as the planner knows it: the stored form and its event ids. */
export type Known = StoredEntity & {
  ids: Set<string>;
  /** Its call-log entry, when this process computed it (saves rebuilding the story). */ log?: LogEntry | null;
};

/** One entity's planned change: the write, and what it means. */
export interface Plan {
  write: EntityWrite;
  next: Known;
  added: number;
  scopes: string[];
}

/**
 * The rules a plan needs: `before` counted the entity's stored events (the context of its stored
 * fingerprint), `current` counts them from now on, under `fingerprint`.
 */
export interface PlanRules {
  before: ContributionContext;
  current: ContributionContext;
  fingerprint: string;
}

export function contextOf(rules: FigureRules): ContributionContext {
  return {
    calendar: new Calendar(rules.tz),
    thresholds: (queue) => (Object.hasOwn(rules.queues, queue) ? rules.queues[queue]! : rules.defaults),
  };
}

/** The change from what is counted now to what the entity's events (with `added`) should count. */
export function planEntity(entity: string, known: Known, added: StoredEvent[], after: { expired: boolean; arrivedAt: number }, rules: PlanRules): Plan {
  const before = contributionUnder(entity, known.events, rules.before, known.expired);
  const { events, drops, floor } = keptHistory(entity, known, added);
  const contribution = contributionUnder(entity, events, rules.current, after.expired);
  const ops = diffContributions(before, contribution);
  const ids = new Set(events.map((e) => e.id));
  const sweep = added.length === 0;
  const log = callLogEntryOf(entity, events, rules.current);
  const next: Known = {
    version: String(Number(known.version) + 1),
    rules: rules.fingerprint,
    expired: after.expired,
    arrivedAt: after.arrivedAt,
    floor,
    events,
    ids,
    log,
  };
  const write: EntityWrite = {
    entity,
    expectedVersion: known.version,
    force: sweep,
    meta: { expired: after.expired, floor, ...(sweep ? {} : { arrivedAt: after.arrivedAt }) },
    events: added.filter((e) => ids.has(e.id)),
    drops,
    ops,
    log: logChange(known.log !== undefined ? known.log : callLogEntryOf(entity, known.events, rules.before), log),
  };
  return { write, next, added: added.length, scopes: ops.length > 0 ? [...new Set([...before.scopes, ...contribution.scopes])] : [] };
}

/** An entity's share of every counter; an expired call keeps its day figures and leaves the live sets. */
export function contributionUnder(entity: string, events: StoredEvent[], context: ContributionContext, expired: boolean): Contribution {
  if (events.length === 0) return EMPTY_CONTRIBUTION;
  if (entity.startsWith('agent:')) return agentContribution(entity.slice(6), events as (AgentStateEvent & { at: number })[]);
  const callId = entity.slice(5);
  const contribution = callContribution(callId, events as TimedCallEvent[], context);
  if (!expired) return contribution;
  const last = lastEventAt(events);
  const members = contribution.members.filter(([key]) => !isLiveCallKey(key));
  const counters = new Map([...contribution.counters].filter(([key]) => !isLiveCallKey(key)));
  if (Number.isFinite(last)) members.push([figureKeys.expired(context.calendar.dayOf(last)), callId, last]);
  return { ...contribution, counters, members };
}

/** A call's entry in the call log, under the rules it is counted by (their time zone decides its day). */
export function callLogEntryOf(entity: string, events: StoredEvent[], context: ContributionContext): [string, string, number] | null {
  if (events.length === 0 || !entity.startsWith('call:')) return null;
  return callLogEntry(entity.slice(5), events as TimedCallEvent[], context.calendar);
}

/** An agent keeps its newest states only; what falls out raises the floor below which states change nothing. */
export function keptHistory(
  entity: string,
  known: Pick<Known, 'events' | 'ids' | 'floor'>,
  added: StoredEvent[],
): { events: StoredEvent[]; drops: string[]; floor: number } {
  const events = [...known.events, ...added];
  if (!entity.startsWith('agent:') || events.length <= AGENT_STATES_KEPT) return { events, drops: [], floor: known.floor };
  const newestFirst = events.sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1));
  const dropped = newestFirst.slice(AGENT_STATES_KEPT);
  return {
    events: newestFirst.slice(0, AGENT_STATES_KEPT),
    drops: dropped.filter((e) => known.ids.has(e.id)).map((e) => e.id),
    floor: Math.max(known.floor, ...dropped.map((e) => e.at)),
  };
}

/**
 * The `ts` of the call's last event of its own (an evaluation, sent days later by a QA tool, is about the call and
 * does not keep it live); -Infinity when it has none.
 */
export const lastEventAt = (events: StoredEvent[]) => Math.max(...events.filter((e) => e.type !== 'qa.evaluation').map((e) => e.at));

/** Whether a batch brings a call only evaluations: they leave its live state (swept or not, and since when) alone. */
export const onlyEvaluations = (added: readonly StoredEvent[]) => added.every((e) => e.type === 'qa.evaluation');

/** The call id in a live-set member: "<callId>#<segment>" or "<agent>\0<callId>#<segment>#<part>". */
export function callOfMember(member: string): string {
  const cut = member.indexOf('\u0000');
  if (cut < 0) return member.slice(0, member.lastIndexOf('#'));
  const rest = member.slice(cut + 1);
  return rest.slice(0, rest.lastIndexOf('#', rest.lastIndexOf('#') - 1));
}

/** Groups a batch by call or agent; repeats of an id inside the batch count as duplicates. */
export function groupByEntity(batch: readonly StoredEvent[]): { groups: Map<string, StoredEvent[]>; repeats: number } {
  const seen = new Set<string>();
  const groups = new Map<string, StoredEvent[]>();
  let repeats = 0;
  for (const event of batch) {
    if (seen.has(event.id)) {
      repeats++;
      continue;
    }
    seen.add(event.id);
    const key = event.type === 'agent.state' ? `agent:${event.agent}` : `call:${event.callId}`;
    const group = groups.get(key);
    if (group) group.push(event);
    else groups.set(key, [event]);
  }
  return { groups, repeats };
}
