// A call's share of every counter, as a pure function of its story: what the store adds to Redis.
import { qaScoreMicros, type CounterName } from '../../shared/figures.ts';
import type { AgentStateEvent } from '../../shared/events.ts';
import type { Calendar } from './calendar.ts';
import { buildStory, surveyTarget, type AgentPart, type CallStory, type TimedCallEvent } from './story.ts';
import { figureKeys, type FigureKeys } from '../redis/keys.ts';

export interface QueueThresholds {
  serviceLevelMs: number;
  shortAbandonMs: number;
}

/**
 * A contribution: counters (hash field increments), sorted-set members and hash values, all under
 * logical key names (no prefix). Stored beside the call so the next change applies only the difference.
 */
export interface Contribution {
  /** Counter hashes: key → field → amount. */
  counters: Map<string, Map<string, number>>;
  /** Sorted-set members: [key, member, score]. */
  members: [string, string, number][];
  /** Hash values: [key, field, value]. */
  values: [string, string, string][];
  /** The scopes whose figures this contribution touches. */
  scopes: string[];
}

export const EMPTY_CONTRIBUTION: Contribution = { counters: new Map(), members: [], values: [], scopes: [] };

class Builder {
  private readonly counters = new Map<string, Map<string, number>>();
  readonly members: Contribution['members'] = [];
  readonly values: Contribution['values'] = [];
  private readonly scopes = new Set<string>();

  constructor(
    private readonly calendar: Calendar,
    private readonly keys: FigureKeys,
  ) {}

  /** Adds `amount` to a figure of each scope, in the interval of instant `at` (a day is the sum of its intervals). */
  add(scopes: (string | undefined)[], at: number, figure: CounterName, amount = 1): void {
    if (amount === 0) return;
    const { day, interval } = this.calendar.slotOf(at);
    for (const scope of scopes) {
      if (scope === undefined) continue;
      this.scopes.add(scope);
      this.bump(this.keys.intervals(scope, day), `${interval}:${figure}`, amount);
    }
  }

  bump(key: string, field: string, amount: number): void {
    let fields = this.counters.get(key);
    if (!fields) this.counters.set(key, (fields = new Map()));
    fields.set(field, (fields.get(field) ?? 0) + amount);
  }

  touch(scope: string): void {
    this.scopes.add(scope);
  }

  build(): Contribution {
    return { counters: this.counters, members: this.members, values: this.values, scopes: [...this.scopes] };
  }
}

export interface ContributionContext {
  calendar: Calendar;
  thresholds: (queue: string) => QueueThresholds;
  keys?: FigureKeys;
}

export function callContribution(callId: string, events: readonly TimedCallEvent[], ctx: ContributionContext): Contribution {
  const b = new Builder(ctx.calendar, ctx.keys ?? figureKeys);
  const keys = ctx.keys ?? figureKeys;
  const story = buildStory(events);
  const agents = new Set<string>();
  const queues = new Set<string>();

  story.segments.forEach((segment, s) => {
    const queueScope = segment.queue === undefined ? undefined : `queue:${segment.queue}`;
    // `all` gets every queue's figures as they are counted (CONTRACT: "`all` gets every queue"), so reading it costs
    // one hash, whatever the number of queues. Its write costs about a third more counter increments.
    const queueScopes = queueScope ? [queueScope, 'all'] : [];
    if (segment.queue !== undefined) {
      queues.add(segment.queue);
      b.touch('all');
    }
    if (segment.queue !== undefined && segment.offeredAt !== undefined) {
      const offeredAt = segment.offeredAt;
      const limits = ctx.thresholds(segment.queue);
      b.add(queueScopes, offeredAt, 'offered');
      const outcome = segment.outcome;
      if (!outcome) {
        const member = `${callId}#${s}`;
        b.members.push([keys.waiting(queueScope!), member, offeredAt], [keys.waiting('all'), member, offeredAt]);
      } else {
        // CONTRACT v2: a wait computed below zero (an answer stamped before its offer) counts as zero.
        const wait = Math.max(0, outcome.at - offeredAt);
        if (outcome.kind === 'answered') {
          const firstAgent = segment.firstAgent === undefined ? undefined : `agent:${segment.firstAgent}`;
          const who = [...queueScopes, firstAgent];
          b.add(who, offeredAt, 'answered');
          b.add(who, offeredAt, 'answerWaitMs', wait);
          if (wait <= limits.serviceLevelMs) b.add(who, offeredAt, 'answeredInSL');
        } else if (outcome.kind === 'abandoned') {
          b.add(queueScopes, offeredAt, 'abandoned');
          if (wait < limits.shortAbandonMs) b.add(queueScopes, offeredAt, 'shortAbandoned');
        } else {
          b.add(queueScopes, offeredAt, 'timedOut');
        }
      }
    }
    segment.parts.forEach((part, p) => {
      agents.add(part.agent);
      addPart(b, keys, [...queueScopes, `agent:${part.agent}`], part, `${callId}#${s}#${p}`);
    });
  });

  const target = surveyTarget(story);
  for (const survey of story.surveys) {
    const queued = target.queue === undefined ? [] : [`queue:${target.queue}`, 'all'];
    const who = [...queued, target.agent === undefined ? undefined : `agent:${target.agent}`];
    b.add(who, survey.at, 'surveys');
    if (survey.score >= 4) b.add(who, survey.at, 'satisfied');
  }

  addEvaluations(b, story, target.queue);

  for (const queue of queues) b.bump(keys.queuesSeen, queue, 1);
  for (const agent of agents) {
    b.bump(keys.agentsSeen, agent, 1);
    b.touch(`agent:${agent}`);
    b.touch('all');
  }
  return b.build();
}

/**
 * Each agent's standing evaluation counts for that agent, the call's last queue and `all`, on the day and interval of
 * its `ts`. A call with no queue yet (no offer arrived) counts it on `all` only; when an offer arrives, the next
 * contribution adds it to that queue. Evaluations do not make an agent "seen" live.
 */
function addEvaluations(b: Builder, story: CallStory, queue: string | undefined): void {
  if (story.evaluations.size === 0) return;
  b.touch('all');
  for (const [agent, evaluation] of story.evaluations) {
    const who = [queue === undefined ? undefined : `queue:${queue}`, 'all', `agent:${agent}`];
    b.add(who, evaluation.at, 'evaluations');
    b.add(who, evaluation.at, 'qaScoreMicros', qaScoreMicros(evaluation.score));
  }
}

function addPart(b: Builder, keys: FigureKeys, who: string[], part: AgentPart, member: string): void {
  const agentMember = `${part.agent}\u0000${member}`;
  if (part.endAt === undefined) {
    b.members.push([keys.onCall, agentMember, part.answeredAt], [keys.onCallOf(part.agent), member, part.answeredAt]);
    b.bump(keys.onCallParts, part.agent, 1);
    if (part.openHoldAt !== undefined) b.members.push([keys.onHold, agentMember, part.openHoldAt]);
    return;
  }
  const holdMs = Math.max(0, part.holdMs);
  const talkMs = Math.max(0, part.endAt - part.answeredAt - holdMs);
  if (part.endKind === 'transferred') {
    b.add(who, part.endAt, 'transfers');
    addHandled(b, who, part.endAt, talkMs, holdMs, 0);
    return;
  }
  if (part.wrappedAt === undefined) {
    b.members.push([keys.inWrap, agentMember, part.endAt], [keys.inWrapOf(part.agent), member, part.endAt]);
    b.bump(keys.wrapParts, part.agent, 1);
    return;
  }
  addHandled(b, who, part.wrappedAt, talkMs, holdMs, Math.max(0, part.wrappedAt - part.endAt));
  if (part.resolved !== undefined) b.add(who, part.wrappedAt, part.resolved ? 'resolved' : 'unresolved');
}

function addHandled(b: Builder, who: string[], at: number, talkMs: number, holdMs: number, wrapMs: number): void {
  b.add(who, at, 'handled');
  b.add(who, at, 'talkMs', talkMs);
  b.add(who, at, 'holdMs', holdMs);
  b.add(who, at, 'wrapMs', wrapMs);
}

/** An agent's own `agent.state` events: its latest state by `ts` is its live state. */
export function agentContribution(agent: string, events: readonly (AgentStateEvent & { at: number })[], keys: FigureKeys = figureKeys): Contribution {
  let latest: (AgentStateEvent & { at: number }) | undefined;
  for (const event of events) {
    if (!latest || event.at > latest.at || (event.at === latest.at && event.id > latest.id)) latest = event;
  }
  if (!latest) return EMPTY_CONTRIBUTION;
  const value = JSON.stringify({ state: latest.state, at: latest.at, reason: latest.reason });
  return {
    counters: new Map([[keys.agentsSeen, new Map([[agent, 1]])]]),
    members: [],
    values: [[keys.agentStates, agent, value]],
    scopes: [`agent:${agent}`, 'all'],
  };
}
