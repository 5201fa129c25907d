// An independent reference model of the figures of CONTRACT.md: events in, every scope's per-day and per-interval figures
// and the live figures out. Written from the contract text alone (not from server/ or shared/), so that a test can hold
// the server to it; a pure function of its input.
import { DateTime } from 'luxon';
import { liveOf, type LiveFigures } from './oracle-live.ts';
import { holdOf, instantOf, storiesOf, withoutDuplicates, type AgentPart, type CallStory, type OracleEvent, type Segment } from './oracle-story.ts';

export { AGENT_STATES, type LiveFigures } from './oracle-live.ts';
export type { OracleEvent } from './oracle-story.ts';

export const COUNT_NAMES = [
  'offered',
  'answered',
  'answeredInSL',
  'abandoned',
  'shortAbandoned',
  'timedOut',
  'handled',
  'talkMs',
  'holdMs',
  'wrapMs',
  'transfers',
  'surveys',
  'satisfied',
  'resolved',
  'unresolved',
  'evaluations',
] as const;
export const RATIO_NAMES = ['serviceLevel', 'abandonRate', 'asaMs', 'ahtMs', 'csat', 'fcr', 'qaScore'] as const;

type CountName = (typeof COUNT_NAMES)[number];
type RatioName = (typeof RATIO_NAMES)[number];
/** The counts and sums a figure is made of; `waitMs` (answered waits) and `qaTotal` (scores) feed the means. */
export type Tally = Record<CountName | 'waitMs' | 'qaTotal', number>;
export type Figures = Record<CountName, number> & Record<RatioName, number | null>;
interface IntervalFigures extends Figures {
  /** ISO-8601 with the local offset. */
  start: string;
  startMs: number;
}
export interface DayFigures extends Figures {
  intervals: IntervalFigures[];
}

interface Thresholds {
  serviceLevelMs: number;
  shortAbandonMs: number;
}
const DEFAULT_THRESHOLDS: Thresholds = { serviceLevelMs: 30_000, shortAbandonMs: 5_000 };

interface OracleInput {
  events: readonly OracleEvent[];
  tz: string;
  now: number;
  /** Team id → its agents. */
  teams?: ReadonlyMap<string, readonly string[]>;
  /** Queue id → its thresholds (each defaults to DEFAULT_THRESHOLDS). */
  thresholds?: ReadonlyMap<string, Partial<Thresholds>>;
  /** A call with no event for this long before `now` leaves the live figures; absent: never. */
  liveCallTimeoutMs?: number;
  /**
   * When the events reached the server (all at once, or by event id): the timeout counts from the latest, over a call's
   * call.* events, of the later of ts and arrival (the server's reading of "no event for"; the contract does not say
   * whether ts or arrival). Absent: from the last ts.
   */
  arrivedAt?: number | ReadonlyMap<string, number>;
}

export interface OracleFigures {
  tz: string;
  /** Scope → day (YYYY-MM-DD in tz) → figures, for the days that have any figure. */
  days: Map<string, Map<string, DayFigures>>;
  /** Scope → interval start → the counts and sums of that interval (the days' and reports' source). */
  tallies: Map<string, Map<number, Tally>>;
  /** Scope → live figures, for `all`, every queue, team and agent seen. */
  live: Map<string, LiveFigures>;
}

export const emptyTally = (): Tally => ({ ...Object.fromEntries(COUNT_NAMES.map((n) => [n, 0])), waitMs: 0, qaTotal: 0 }) as Tally;
const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

export function withRatios(t: Tally): Figures {
  const counts = Object.fromEntries(COUNT_NAMES.map((n) => [n, t[n]])) as Record<CountName, number>;
  return {
    ...counts,
    serviceLevel: ratio(t.answeredInSL, t.answered + t.abandoned - t.shortAbandoned + t.timedOut),
    abandonRate: ratio(t.abandoned - t.shortAbandoned, t.offered - t.shortAbandoned),
    asaMs: ratio(t.waitMs, t.answered),
    ahtMs: ratio(t.talkMs + t.holdMs + t.wrapMs, t.handled),
    csat: ratio(t.satisfied, t.surveys),
    fcr: ratio(t.resolved, t.resolved + t.unresolved),
    qaScore: t.evaluations === 0 ? null : t.qaTotal / t.evaluations / 100,
  };
}

/** The figures of a scope's day with nothing in it. */
function emptyDay(): DayFigures {
  return { ...withRatios(emptyTally()), intervals: [] };
}

/** A scope's figures of a day, zeros when it has none. */
export function dayFigures(figures: OracleFigures, scope: string, day: string): DayFigures {
  return figures.days.get(scope)?.get(day) ?? emptyDay();
}

/** Start (epoch ms) of the 15-minute interval of `ts` in `tz`. */
function intervalStart(ts: number, tz: string): number {
  const local = DateTime.fromMillis(ts, { zone: tz });
  return ts - ((local.minute % 15) * 60_000 + local.second * 1000 + local.millisecond);
}

/** Scope → interval start → tally: every figure lands in the interval of the event the contract names. */
class Ledger {
  readonly byScope = new Map<string, Map<number, Tally>>();
  private readonly teamsOfAgent = new Map<string, string[]>();

  constructor(
    private readonly tz: string,
    teams: ReadonlyMap<string, readonly string[]>,
  ) {
    for (const [team, agents] of teams) for (const agent of new Set(agents)) this.teamsOfAgent.set(agent, [...(this.teamsOfAgent.get(agent) ?? []), team]);
  }

  queueScopes(queue: string): string[] {
    return [`queue:${queue}`, 'all'];
  }

  /** An agent's figure is also each of its teams' (a team is the sum of its agents). */
  agentScopes(agent: string): string[] {
    return [`agent:${agent}`, ...(this.teamsOfAgent.get(agent) ?? []).map((t) => `team:${t}`)];
  }

  credit(scopes: readonly string[], ts: number, delta: Partial<Tally>): void {
    const start = intervalStart(ts, this.tz);
    for (const scope of scopes) {
      const intervals = this.byScope.get(scope) ?? new Map<number, Tally>();
      const tally = intervals.get(start) ?? emptyTally();
      for (const [name, value] of Object.entries(delta) as [keyof Tally, number][]) tally[name] += value;
      intervals.set(start, tally);
      this.byScope.set(scope, intervals);
    }
  }
}

/** A segment's queue figures (on the day of its offer), and the answering agent's. */
function creditSegment(ledger: Ledger, segment: Segment, thresholds: Thresholds): void {
  const queue = ledger.queueScopes(segment.queue);
  ledger.credit(queue, segment.offeredAt, { offered: 1 });
  if (segment.outcome === undefined) return;
  const wait = Math.max(0, segment.outcomeAt! - segment.offeredAt);
  if (segment.outcome === 'answered') {
    const answered = { answered: 1, answeredInSL: wait <= thresholds.serviceLevelMs ? 1 : 0, waitMs: wait };
    ledger.credit([...queue, ...ledger.agentScopes(segment.parts[0]!.agent)], segment.offeredAt, answered);
  } else if (segment.outcome === 'abandoned') {
    ledger.credit(queue, segment.offeredAt, { abandoned: 1, shortAbandoned: wait < thresholds.shortAbandonMs ? 1 : 0 });
  } else {
    ledger.credit(queue, segment.offeredAt, { timedOut: 1 });
  }
}

/** A part that is over (transferred, or wrapped) counts for its segment's queue and its agent, when it was over. */
function creditPart(ledger: Ledger, queue: string, part: AgentPart): void {
  const scopes = [...ledger.queueScopes(queue), ...ledger.agentScopes(part.agent)];
  const end = part.transferredAt ?? part.endedAt;
  if (end === undefined) return;
  const holdMs = holdOf(part, end);
  const talkMs = Math.max(0, end - part.answeredAt - holdMs);
  if (part.transferredAt !== undefined) {
    ledger.credit(scopes, part.transferredAt, { handled: 1, talkMs, holdMs, transfers: 1 });
  } else if (part.wrappedAt !== undefined) {
    const wrapMs = Math.max(0, part.wrappedAt - end);
    const resolution = { resolved: part.resolved === true ? 1 : 0, unresolved: part.resolved === false ? 1 : 0 };
    ledger.credit(scopes, part.wrappedAt, { handled: 1, talkMs, holdMs, wrapMs, ...resolution });
  }
}

function creditCall(ledger: Ledger, call: CallStory, thresholdsOf: (queue: string) => Thresholds): void {
  for (const segment of call.segments) {
    creditSegment(ledger, segment, thresholdsOf(segment.queue));
    for (const part of segment.parts) creditPart(ledger, segment.queue, part);
  }
  // A survey goes to the queue of the call's last segment and the agent of its last part.
  const lastQueue = call.segments.at(-1)?.queue;
  const lastAgent = call.segments.flatMap((s) => s.parts).at(-1)?.agent;
  for (const survey of call.surveys) {
    const scopes = [...(lastQueue === undefined ? [] : ledger.queueScopes(lastQueue)), ...(lastAgent === undefined ? [] : ledger.agentScopes(lastAgent))];
    ledger.credit(scopes, survey.ts, { surveys: 1, satisfied: survey.score >= 4 ? 1 : 0 });
  }
}

/** qa.evaluation: per call and agent the latest by ts counts, for the agent, its teams, the call's last queue and `all`. */
function creditEvaluations(ledger: Ledger, events: readonly OracleEvent[], stories: Map<string, CallStory>): void {
  const latest = new Map<string, Map<string, { ts: number; score: number }>>();
  for (const e of events) {
    if (e.type !== 'qa.evaluation') continue;
    const ts = instantOf(e.ts);
    const ofCall = latest.get(e.callId!) ?? new Map<string, { ts: number; score: number }>();
    if ((ofCall.get(e.agent!)?.ts ?? -Infinity) < ts) ofCall.set(e.agent!, { ts, score: e.score! });
    latest.set(e.callId!, ofCall);
  }
  for (const [callId, ofCall] of latest) {
    const lastQueue = stories.get(callId)?.segments.at(-1)?.queue;
    for (const [agent, { ts, score }] of ofCall) {
      const scopes = [...ledger.agentScopes(agent), ...(lastQueue === undefined ? ['all'] : ledger.queueScopes(lastQueue))];
      ledger.credit(scopes, ts, { evaluations: 1, qaTotal: score });
    }
  }
}

export const hasAnyFigure = (t: Tally): boolean => COUNT_NAMES.some((n) => t[n] !== 0);

/** Per scope, the days and intervals that have any figure, with their ratios. */
function daysOf(ledger: Ledger, tz: string): Map<string, Map<string, DayFigures>> {
  const out = new Map<string, Map<string, DayFigures>>();
  for (const [scope, intervals] of ledger.byScope) {
    const days = new Map<string, { tally: Tally; intervals: IntervalFigures[] }>();
    for (const [startMs, tally] of [...intervals].sort(([a], [b]) => a - b)) {
      if (!hasAnyFigure(tally)) continue;
      const start = DateTime.fromMillis(startMs, { zone: tz });
      const day = days.get(start.toISODate()!) ?? { tally: emptyTally(), intervals: [] };
      for (const name of Object.keys(tally) as (keyof Tally)[]) day.tally[name] += tally[name];
      day.intervals.push({ start: start.toISO()!, startMs, ...withRatios(tally) });
      days.set(start.toISODate()!, day);
    }
    out.set(scope, new Map([...days].map(([day, d]) => [day, { ...withRatios(d.tally), intervals: d.intervals }])));
  }
  return out;
}

/** Every figure of the contract, from the events (in any order, duplicates included). */
export function computeFigures(input: OracleInput): OracleFigures {
  const events = withoutDuplicates(input.events);
  const stories = storiesOf(events);
  const teams = input.teams ?? new Map<string, readonly string[]>();
  const ledger = new Ledger(input.tz, teams);
  const thresholdsOf = (queue: string): Thresholds => ({ ...DEFAULT_THRESHOLDS, ...input.thresholds?.get(queue) });
  for (const call of stories.values()) creditCall(ledger, call, thresholdsOf);
  creditEvaluations(ledger, events, stories);
  return { tz: input.tz, days: daysOf(ledger, input.tz), tallies: ledger.byScope, live: liveOf(input, events, stories, teams) };
}
