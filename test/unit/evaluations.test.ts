// qa.evaluation in the pure core: which evaluation stands (story.ts) and where it counts (contribution.ts), CONTRACT v2
// "More event types": the agent named, the call's last queue (or `all` alone while the call has none), on its own ts.
import { describe, expect, it } from 'vitest';
import { Calendar, INTERVAL_MS } from '../../server/domain/calendar.ts';
import { callContribution, type Contribution, type ContributionContext } from '../../server/domain/contribution.ts';
import { lastEventAt, onlyEvaluations } from '../../server/domain/ingestPlan.ts';
import { buildStory, type TimedCallEvent } from '../../server/domain/story.ts';
import { figureKeys } from '../../server/redis/keys.ts';
import { QA_SCORE_UNIT, withRatios, emptyCounters } from '../../shared/figures.ts';
import { T0, callOf, s, shuffled } from './calls.ts';

const ctx: ContributionContext = { calendar: new Calendar('UTC'), thresholds: () => ({ serviceLevelMs: 30_000, shortAbandonMs: 5_000 }) };
const DAY = '2026-03-10';
const NEXT_DAY = '2026-03-11';
const HOUR = 3600;

/** One qa.evaluation of a call, with its own id (ties in ts are broken by id). */
const qa = (callId: string, at: number, agent: string, score: number, id?: string): TimedCallEvent =>
  ({ id: id ?? `${callId}-qa-${agent}-${at}-${score}`, type: 'qa.evaluation', ts: at, at, callId, agent, score }) as TimedCallEvent;

/** A scope's figure for a whole day, summed over its intervals. */
function counted(c: Contribution, scope: string, day: string, figure: 'evaluations' | 'qaScoreMicros'): number {
  let sum = 0;
  for (const [field, n] of c.counters.get(figureKeys.intervals(scope, day)) ?? []) if (field.endsWith(`:${figure}`)) sum += n;
  return sum;
}

/** The interval starts (epoch ms) where a scope counts evaluations on a day. */
function intervalsOf(c: Contribution, scope: string, day: string): number[] {
  return [...(c.counters.get(figureKeys.intervals(scope, day)) ?? new Map<string, number>()).keys()]
    .filter((field) => field.endsWith(':evaluations'))
    .map((field) => Number(field.slice(0, field.indexOf(':'))));
}

/** Every counter key of a contribution, sorted: where anything counts. */
const keysOf = (c: Contribution) => [...c.counters.keys()].sort();

describe('the standing evaluation of each agent', () => {
  it('keeps the latest by ts, whatever order the events are given in', () => {
    const events = [qa('c1', s(100), 'ann', 60), qa('c1', s(5 * HOUR), 'ann', 90), qa('c1', s(2 * HOUR), 'ann', 70), qa('c1', s(50), 'bob', 40)];
    const expected = new Map([
      ['ann', { id: events[1]!.id, at: s(5 * HOUR), score: 90 }],
      ['bob', { id: events[3]!.id, at: s(50), score: 40 }],
    ]);
    for (let seed = 1; seed <= 30; seed++) expect(buildStory(shuffled(events, seed)).evaluations, `seed ${seed}`).toEqual(expected);
  });

  it('breaks a tie in ts by the greater event id, in any order', () => {
    const a = qa('c2', s(100), 'ann', 20, 'qa-a');
    const b = qa('c2', s(100), 'ann', 80, 'qa-b');
    expect(buildStory([a, b]).evaluations.get('ann')?.score).toBe(80);
    expect(buildStory([b, a]).evaluations.get('ann')?.score).toBe(80);
  });

  it('leaves the call story itself alone: segments, parts and surveys are as without the evaluations', () => {
    const e = callOf('c3');
    const call = [e('call.offered', s(0), { queue: 'sales' }), e('call.answered', s(10), { agent: 'ann' }), e('call.ended', s(100)), e('call.wrapped', s(120))];
    const withQa = buildStory([...call, qa('c3', s(50), 'ann', 75), qa('c3', s(150), 'bob', 10)]);
    const without = buildStory(call);
    expect(withQa.segments).toEqual(without.segments);
    expect(withQa.surveys).toEqual(without.surveys);
  });
});

describe('where an evaluation counts', () => {
  it("counts for the agent named and the call's last queue, on the interval of its own ts", () => {
    const e = callOf('c4');
    const at = T0 + 3 * INTERVAL_MS + 60_000;
    const c = callContribution(
      'c4',
      [
        e('call.offered', s(0), { queue: 'sales' }),
        e('call.answered', s(5), { agent: 'ann' }),
        e('call.transferred', s(60), { target: 'billing' }),
        e('call.offered', s(61), { queue: 'billing' }),
        e('call.answered', s(70), { agent: 'bob' }),
        e('call.ended', s(200)),
        qa('c4', at, 'ann', 87.5),
      ],
      ctx,
    );
    for (const scope of ['queue:billing', 'all', 'agent:ann']) {
      expect(counted(c, scope, DAY, 'evaluations'), scope).toBe(1);
      expect(counted(c, scope, DAY, 'qaScoreMicros'), scope).toBe(87.5 * QA_SCORE_UNIT);
      expect(intervalsOf(c, scope, DAY), scope).toEqual([T0 + 3 * INTERVAL_MS]);
    }
    // Not the first queue, not the other agent.
    for (const scope of ['queue:sales', 'agent:bob']) expect(counted(c, scope, DAY, 'evaluations'), scope).toBe(0);
    expect(c.scopes).toEqual(expect.arrayContaining(['all', 'agent:ann', 'queue:billing']));
  });

  it('counts on `all` alone, beside the agent, while the call has no queue; an offer arriving later adds it to that queue', () => {
    const e = callOf('c5');
    const evaluation = qa('c5', s(HOUR), 'constructor', 50);
    const before = callContribution('c5', [evaluation], ctx);
    expect(keysOf(before)).toEqual([figureKeys.intervals('agent:constructor', DAY), figureKeys.intervals('all', DAY)].sort());
    expect(counted(before, 'all', DAY, 'evaluations')).toBe(1);
    expect(before.members).toEqual([]);
    // Evaluations do not make an agent "seen" in the live figures.
    expect(before.counters.has(figureKeys.agentsSeen)).toBe(false);

    const after = callContribution('c5', [evaluation, e('call.offered', s(0), { queue: '__proto__' })], ctx);
    expect(counted(after, 'all', DAY, 'evaluations')).toBe(1);
    expect(counted(after, 'queue:__proto__', DAY, 'evaluations')).toBe(1);
    expect(counted(after, 'agent:constructor', DAY, 'qaScoreMicros')).toBe(50 * QA_SCORE_UNIT);
  });

  it('moves a replaced evaluation out of its day and interval into those of the one replacing it', () => {
    const first = qa('c6', s(HOUR), 'ann', 40);
    const later = qa('c6', s(20 * HOUR), 'ann', 100);
    const c = callContribution('c6', [later, first], ctx);
    expect(counted(c, 'agent:ann', DAY, 'evaluations')).toBe(0);
    expect(counted(c, 'agent:ann', NEXT_DAY, 'evaluations')).toBe(1);
    expect(counted(c, 'agent:ann', NEXT_DAY, 'qaScoreMicros')).toBe(100 * QA_SCORE_UNIT);
  });

  it('counts each agent evaluated on the same call once', () => {
    const c = callContribution('c7', [qa('c7', s(10), 'ann', 90), qa('c7', s(20), 'bob', 70), qa('c7', s(30), 'ann', 80)], ctx);
    expect(counted(c, 'all', DAY, 'evaluations')).toBe(2);
    expect(counted(c, 'all', DAY, 'qaScoreMicros')).toBe(150 * QA_SCORE_UNIT);
  });
});

describe('qaScore', () => {
  it('is the mean score / 100, null with no evaluation, exact for fractional scores summed in any order', () => {
    const scores = [0.1, 0.2, 99.999999, 33.333333, 100, 0];
    const counters = { ...emptyCounters(), evaluations: scores.length, qaScoreMicros: scores.reduce((sum, x) => sum + Math.round(x * QA_SCORE_UNIT), 0) };
    expect(withRatios(counters).qaScore).toBeCloseTo(scores.reduce((a, b) => a + b, 0) / scores.length / 100, 12);
    expect(withRatios({ ...emptyCounters(), evaluations: 3, qaScoreMicros: 250 * QA_SCORE_UNIT }).qaScore).toBe(250 / 3 / 100);
    expect(withRatios(emptyCounters()).qaScore).toBeNull();
  });
});

describe('liveness: evaluations arrive days later and are no sign of life', () => {
  it("leaves them out of the call's last event, and tells a batch of evaluations only", () => {
    const e = callOf('c8');
    const offered = e('call.offered', s(0), { queue: 'sales' });
    const late = qa('c8', s(48 * HOUR), 'ann', 90);
    expect(lastEventAt([offered, late])).toBe(s(0));
    expect(lastEventAt([late])).toBe(-Infinity);
    expect(onlyEvaluations([late])).toBe(true);
    expect(onlyEvaluations([late, offered])).toBe(false);
  });
});
