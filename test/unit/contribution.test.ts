// callContribution and agentContribution as pure functions: CONTRACT.md "Figures", by scope, day and interval.
import { describe, expect, it } from 'vitest';
import { Calendar, INTERVAL_MS } from '../../server/domain/calendar.ts';
import { agentContribution, callContribution, type Contribution, type ContributionContext } from '../../server/domain/contribution.ts';
import { figureKeys as liveKeys } from '../../server/redis/keys.ts';
import type { TimedCallEvent } from '../../server/domain/story.ts';
import type { AgentStateEvent } from '../../shared/events.ts';
import type { CounterName } from '../../shared/figures.ts';
import { T0, callOf, s } from './calls.ts';

// ---- Reading a Contribution. Every access to its fields stays here, so renaming them touches only these helpers.

/** The counter fields of one scope and day: interval start → figure → amount. */
function intervalFields(contribution: Contribution, scope: string, day: string): Map<number, Map<string, number>> {
  const out = new Map<number, Map<string, number>>();
  for (const [field, amount] of contribution.counters.get(liveKeys.intervals(scope, day)) ?? []) {
    const colon = field.indexOf(':');
    const start = Number(field.slice(0, colon));
    if (!out.has(start)) out.set(start, new Map());
    out.get(start)!.set(field.slice(colon + 1), amount);
  }
  return out;
}

/** A figure of a scope for a whole day: the sum of its intervals. */
function counter(contribution: Contribution, scope: string, day: string, figure: CounterName): number {
  let sum = 0;
  for (const figures of intervalFields(contribution, scope, day).values()) sum += figures.get(figure) ?? 0;
  return sum;
}

/** Where a figure of a scope sits in a day: interval start (epoch ms) → amount. */
function byInterval(contribution: Contribution, scope: string, day: string, figure: CounterName): Map<number, number> {
  const out = new Map<number, number>();
  for (const [start, figures] of intervalFields(contribution, scope, day)) if (figures.has(figure)) out.set(start, figures.get(figure)!);
  return out;
}

/** Every (scope, day) pair that has any counter, as "scope@day" strings, sorted. */
function countedScopes(contribution: Contribution): string[] {
  const prefix = liveKeys.intervals('', '').slice(0, -1);
  const out: string[] = [];
  for (const key of contribution.counters.keys()) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const at = rest.lastIndexOf(':');
    out.push(`${rest.slice(0, at)}@${rest.slice(at + 1)}`);
  }
  return out.sort();
}

/** The scopes the contribution says it touches, sorted. */
function touchedScopes(contribution: Contribution): string[] {
  return [...contribution.scopes].sort();
}

/** A plain counter outside the interval hashes (e.g. liveKeys.agentsSeen → agent). */
function seen(contribution: Contribution, key: string, field: string): number {
  return contribution.counters.get(key)?.get(field) ?? 0;
}

/** Members of a live sorted set: member → score. */
function members(contribution: Contribution, key: string): Map<string, number> {
  return new Map(contribution.members.filter(([k]) => k === key).map(([, member, score]) => [member, score]));
}

/** An agent's live state as the contribution stores it, parsed, or undefined. */
function storedAgentState(contribution: Contribution, agent: string): unknown {
  const entry = contribution.values.find(([key, field]) => key === liveKeys.agentStates && field === agent);
  return entry === undefined ? undefined : JSON.parse(entry[2]);
}

// ---- Fixtures

const newYork = new Calendar('America/New_York');
const ctx: ContributionContext = { calendar: newYork, thresholds: () => ({ serviceLevelMs: 30_000, shortAbandonMs: 5_000 }) };
const DAY = '2026-03-10';
/** T0 is 10:00 EDT, an interval start; INTERVAL(n) is the n-th interval after it. */
const INTERVAL = (n: number) => T0 + n * INTERVAL_MS;

const contributionOf = (callId: string, build: (e: ReturnType<typeof callOf>) => TimedCallEvent[]) => callContribution(callId, build(callOf(callId)), ctx);

/** One call offered at 0 s to `queue` and answered by `agent` after `waitS` seconds, then ended and wrapped. */
const answeredAfter = (callId: string, waitS: number, queue = 'sales', agent = 'ann') =>
  contributionOf(callId, (e) => [
    e('call.offered', s(0), { queue }),
    e('call.answered', s(waitS), { agent }),
    e('call.ended', s(waitS + 60)),
    e('call.wrapped', s(waitS + 70)),
  ]);

// ---- Tests

describe('service level: answered and answeredInSL', () => {
  it('counts a wait of exactly 30 s as within the service level, for the queue and the answering agent', () => {
    const c = answeredAfter('sl-30', 30);
    for (const scope of ['queue:sales', 'agent:ann']) {
      expect(counter(c, scope, DAY, 'answered'), scope).toBe(1);
      expect(counter(c, scope, DAY, 'answeredInSL'), scope).toBe(1);
      expect(counter(c, scope, DAY, 'answerWaitMs'), scope).toBe(30_000);
    }
    expect(counter(c, 'queue:sales', DAY, 'offered')).toBe(1);
    expect(counter(c, 'agent:ann', DAY, 'offered')).toBe(0);
  });

  it('counts a wait of 30.001 s as answered but outside the service level', () => {
    const c = answeredAfter('sl-30001', 30.001);
    for (const scope of ['queue:sales', 'agent:ann']) {
      expect(counter(c, scope, DAY, 'answered'), scope).toBe(1);
      expect(counter(c, scope, DAY, 'answeredInSL'), scope).toBe(0);
      expect(counter(c, scope, DAY, 'answerWaitMs'), scope).toBe(30_001);
    }
  });

  it('uses the queue’s own threshold', () => {
    const strict: ContributionContext = { ...ctx, thresholds: (queue) => ({ serviceLevelMs: queue === 'vip' ? 10_000 : 30_000, shortAbandonMs: 5_000 }) };
    const e = callOf('sl-vip');
    const c = callContribution('sl-vip', [e('call.offered', s(0), { queue: 'vip' }), e('call.answered', s(20), { agent: 'ann' })], strict);
    expect(counter(c, 'queue:vip', DAY, 'answered')).toBe(1);
    expect(counter(c, 'queue:vip', DAY, 'answeredInSL')).toBe(0);
  });

  it('puts answered figures in the day and interval of call.offered, not of call.answered', () => {
    // Offered 10:14:50 EDT (interval 10:00), answered 10:15:10 (interval 10:15).
    const e = callOf('sl-interval');
    const c = callContribution('sl-interval', [e('call.offered', s(890), { queue: 'sales' }), e('call.answered', s(910), { agent: 'ann' })], ctx);
    for (const figure of ['offered', 'answered', 'answeredInSL'] as const) {
      expect(byInterval(c, 'queue:sales', DAY, figure), figure).toEqual(new Map([[INTERVAL(0), 1]]));
    }
    expect(byInterval(c, 'agent:ann', DAY, 'answered')).toEqual(new Map([[INTERVAL(0), 1]]));
    expect(byInterval(c, 'queue:sales', DAY, 'answerWaitMs')).toEqual(new Map([[INTERVAL(0), 20_000]]));
  });
});

describe('abandoned and timed out', () => {
  it('counts an abandon after 4.999 s as short, and one after exactly 5 s as not short', () => {
    const abandonAfter = (callId: string, waitS: number) =>
      contributionOf(callId, (e) => [e('call.offered', s(0), { queue: 'sales' }), e('call.abandoned', s(waitS))]);
    const short = abandonAfter('ab-4999', 4.999);
    expect(counter(short, 'queue:sales', DAY, 'offered')).toBe(1);
    expect(counter(short, 'queue:sales', DAY, 'abandoned')).toBe(1);
    expect(counter(short, 'queue:sales', DAY, 'shortAbandoned')).toBe(1);
    const five = abandonAfter('ab-5000', 5);
    expect(counter(five, 'queue:sales', DAY, 'abandoned')).toBe(1);
    expect(counter(five, 'queue:sales', DAY, 'shortAbandoned')).toBe(0);
    expect(counter(five, 'queue:sales', DAY, 'answered')).toBe(0);
    expect(counter(five, 'queue:sales', DAY, 'timedOut')).toBe(0);
  });

  it('counts a timeout as timedOut only, whatever the wait', () => {
    const c = contributionOf('to-1', (e) => [e('call.offered', s(0), { queue: 'sales' }), e('call.timeout', s(2))]);
    expect(counter(c, 'queue:sales', DAY, 'offered')).toBe(1);
    expect(counter(c, 'queue:sales', DAY, 'timedOut')).toBe(1);
    expect(counter(c, 'queue:sales', DAY, 'abandoned')).toBe(0);
    expect(counter(c, 'queue:sales', DAY, 'shortAbandoned')).toBe(0);
  });

  it('leaves a waiting segment offered, in the live waiting sets, and nothing else', () => {
    const c = contributionOf('wait-1', (e) => [e('call.offered', s(0), { queue: 'sales' })]);
    expect(countedScopes(c)).toEqual([`all@${DAY}`, `queue:sales@${DAY}`]);
    expect(counter(c, 'queue:sales', DAY, 'offered')).toBe(1);
    expect(counter(c, 'all', DAY, 'offered')).toBe(1);
    expect(members(c, liveKeys.waiting('queue:sales'))).toEqual(new Map([['wait-1#0', s(0)]]));
    expect(members(c, liveKeys.waiting('all'))).toEqual(new Map([['wait-1#0', s(0)]]));
  });
});

describe('handling: handled, talk, hold, wrap, resolution', () => {
  it('sums talk, hold and wrap of a part in the day and interval of call.wrapped', () => {
    // answered 10 s, on hold 20–35 s, ended 100 s, wrapped 930 s (10:15:30, the next interval).
    const c = contributionOf('handled-1', (e) => [
      e('call.offered', s(0), { queue: 'sales' }),
      e('call.answered', s(10), { agent: 'ann' }),
      e('call.held', s(20)),
      e('call.resumed', s(35)),
      e('call.ended', s(100)),
      e('call.wrapped', s(930), { resolved: true }),
    ]);
    for (const scope of ['queue:sales', 'agent:ann']) {
      expect(byInterval(c, scope, DAY, 'handled'), scope).toEqual(new Map([[INTERVAL(1), 1]]));
      expect(byInterval(c, scope, DAY, 'talkMs'), scope).toEqual(new Map([[INTERVAL(1), 75_000]])); // 100 − 10 − 15
      expect(byInterval(c, scope, DAY, 'holdMs'), scope).toEqual(new Map([[INTERVAL(1), 15_000]]));
      expect(byInterval(c, scope, DAY, 'wrapMs'), scope).toEqual(new Map([[INTERVAL(1), 830_000]])); // 930 − 100
      expect(byInterval(c, scope, DAY, 'resolved'), scope).toEqual(new Map([[INTERVAL(1), 1]]));
      expect(counter(c, scope, DAY, 'unresolved'), scope).toBe(0);
      expect(counter(c, scope, DAY, 'transfers'), scope).toBe(0);
    }
    expect(byInterval(c, 'queue:sales', DAY, 'offered')).toEqual(new Map([[INTERVAL(0), 1]]));
  });

  it('counts a wrap-up with resolved false as unresolved, and one that does not say as neither', () => {
    const wrapped = (callId: string, resolved?: boolean) =>
      contributionOf(callId, (e) => [
        e('call.offered', s(0), { queue: 'sales' }),
        e('call.answered', s(10), { agent: 'ann' }),
        e('call.ended', s(100)),
        resolved === undefined ? e('call.wrapped', s(110)) : e('call.wrapped', s(110), { resolved }),
      ]);
    const no = wrapped('fcr-no', false);
    expect(counter(no, 'agent:ann', DAY, 'unresolved')).toBe(1);
    expect(counter(no, 'agent:ann', DAY, 'resolved')).toBe(0);
    const silent = wrapped('fcr-silent');
    expect(counter(silent, 'agent:ann', DAY, 'handled')).toBe(1);
    expect(counter(silent, 'agent:ann', DAY, 'resolved')).toBe(0);
    expect(counter(silent, 'agent:ann', DAY, 'unresolved')).toBe(0);
  });

  it('does not count a part that ended but is not wrapped yet; it sits in after-call work', () => {
    const c = contributionOf('acw-1', (e) => [
      e('call.offered', s(0), { queue: 'sales' }),
      e('call.answered', s(10), { agent: 'ann' }),
      e('call.ended', s(100)),
    ]);
    expect(counter(c, 'agent:ann', DAY, 'handled')).toBe(0);
    expect(counter(c, 'agent:ann', DAY, 'talkMs')).toBe(0);
    expect(counter(c, 'agent:ann', DAY, 'answered')).toBe(1);
    expect(members(c, liveKeys.inWrap)).toEqual(new Map([['ann\u0000acw-1#0#0', s(100)]]));
    expect(members(c, liveKeys.onCall).size).toBe(0);
  });

  it('counts a hold not resumed when the part ends up to that end', () => {
    const c = contributionOf('hold-end', (e) => [
      e('call.offered', s(0), { queue: 'sales' }),
      e('call.answered', s(10), { agent: 'ann' }),
      e('call.held', s(40)),
      e('call.ended', s(100)),
      e('call.wrapped', s(105)),
    ]);
    expect(counter(c, 'agent:ann', DAY, 'holdMs')).toBe(60_000);
    expect(counter(c, 'agent:ann', DAY, 'talkMs')).toBe(30_000);
    expect(counter(c, 'agent:ann', DAY, 'wrapMs')).toBe(5_000);
  });
});

describe('transfers', () => {
  // ann answers at 5 s (10:00 interval), holds 10–14 s, transfers to bob at 905 s (10:15:05); bob answers at 910 s, ends at 1000 s, wraps at 1010 s.
  const c = contributionOf('xfer-agent', (e) => [
    e('call.offered', s(0), { queue: 'sales' }),
    e('call.answered', s(5), { agent: 'ann' }),
    e('call.held', s(10)),
    e('call.resumed', s(14)),
    e('call.transferred', s(905), { target: 'bob' }),
    e('call.answered', s(910), { agent: 'bob' }),
    e('call.ended', s(1000)),
    e('call.wrapped', s(1010), { resolved: true }),
  ]);

  it('counts the transferring agent’s part as handled, with one transfer and no wrap, at the transfer', () => {
    expect(byInterval(c, 'agent:ann', DAY, 'handled')).toEqual(new Map([[INTERVAL(1), 1]]));
    expect(byInterval(c, 'agent:ann', DAY, 'transfers')).toEqual(new Map([[INTERVAL(1), 1]]));
    expect(byInterval(c, 'agent:ann', DAY, 'talkMs')).toEqual(new Map([[INTERVAL(1), 896_000]])); // 905 − 5 − 4
    expect(counter(c, 'agent:ann', DAY, 'holdMs')).toBe(4_000);
    expect(counter(c, 'agent:ann', DAY, 'wrapMs')).toBe(0);
    expect(counter(c, 'agent:ann', DAY, 'resolved')).toBe(0);
  });

  it('gives the first agent answered, and the agent it transferred to only its handling figures', () => {
    expect(counter(c, 'agent:ann', DAY, 'answered')).toBe(1);
    expect(counter(c, 'agent:ann', DAY, 'answeredInSL')).toBe(1);
    expect(counter(c, 'agent:bob', DAY, 'answered')).toBe(0);
    expect(counter(c, 'agent:bob', DAY, 'answeredInSL')).toBe(0);
    expect(byInterval(c, 'agent:bob', DAY, 'handled')).toEqual(new Map([[INTERVAL(1), 1]]));
    expect(counter(c, 'agent:bob', DAY, 'talkMs')).toBe(90_000); // 1000 − 910
    expect(counter(c, 'agent:bob', DAY, 'wrapMs')).toBe(10_000);
    expect(counter(c, 'agent:bob', DAY, 'transfers')).toBe(0);
    expect(counter(c, 'agent:bob', DAY, 'resolved')).toBe(1);
  });

  it('gives the queue one offered and answered segment, and both parts', () => {
    expect(counter(c, 'queue:sales', DAY, 'offered')).toBe(1);
    expect(counter(c, 'queue:sales', DAY, 'answered')).toBe(1);
    expect(counter(c, 'queue:sales', DAY, 'handled')).toBe(2);
    expect(counter(c, 'queue:sales', DAY, 'transfers')).toBe(1);
    expect(counter(c, 'queue:sales', DAY, 'talkMs')).toBe(986_000);
    expect(counter(c, 'queue:sales', DAY, 'holdMs')).toBe(4_000);
    expect(counter(c, 'queue:sales', DAY, 'wrapMs')).toBe(10_000);
  });

  it('gives `all` every figure of every queue it touches, as it counts them', () => {
    const byField = new Map<string, number>();
    for (const [key, fields] of c.counters) {
      if (!key.startsWith('i:queue:')) continue;
      for (const [field, n] of fields) byField.set(field, (byField.get(field) ?? 0) + n);
    }
    expect(byField.size).toBeGreaterThan(5);
    expect(c.counters.get(liveKeys.intervals('all', DAY))).toEqual(byField);
  });

  it('touches the queue, both agents and all', () => {
    expect(touchedScopes(c)).toEqual(['agent:ann', 'agent:bob', 'all', 'queue:sales']);
    expect(countedScopes(c)).toEqual([`agent:ann@${DAY}`, `agent:bob@${DAY}`, `all@${DAY}`, `queue:sales@${DAY}`]);
    expect(seen(c, liveKeys.agentsSeen, 'ann')).toBe(1);
    expect(seen(c, liveKeys.agentsSeen, 'bob')).toBe(1);
    expect(seen(c, liveKeys.queuesSeen, 'sales')).toBe(1);
  });
});

describe('a transfer to a queue and surveys', () => {
  // sales: ann answers at 5 s, transfers to the billing queue at 60 s; billing: offered at 61 s, bob answers at 100 s (wait 39 s).
  const call = (callId: string, score: number) =>
    contributionOf(callId, (e) => [
      e('call.offered', s(0), { queue: 'sales' }),
      e('call.answered', s(5), { agent: 'ann' }),
      e('call.transferred', s(60), { target: 'billing' }),
      e('call.offered', s(61), { queue: 'billing' }),
      e('call.answered', s(100), { agent: 'bob' }),
      e('call.ended', s(200)),
      e('call.wrapped', s(210)),
      // 2026-03-11T04:30Z is 00:30 EDT on the next local day.
      e('call.survey', Date.UTC(2026, 2, 11, 4, 30), { score }),
    ]);
  const NEXT_DAY = '2026-03-11';

  it('counts each segment in its own queue, and answered for each first agent', () => {
    const c = call('xq-figures', 4);
    for (const queue of ['queue:sales', 'queue:billing']) {
      expect(counter(c, queue, DAY, 'offered'), queue).toBe(1);
      expect(counter(c, queue, DAY, 'answered'), queue).toBe(1);
    }
    expect(counter(c, 'queue:sales', DAY, 'answeredInSL')).toBe(1);
    expect(counter(c, 'queue:billing', DAY, 'answeredInSL')).toBe(0);
    expect(counter(c, 'queue:billing', DAY, 'answerWaitMs')).toBe(39_000);
    expect(counter(c, 'queue:sales', DAY, 'transfers')).toBe(1);
    expect(counter(c, 'queue:billing', DAY, 'transfers')).toBe(0);
    expect(counter(c, 'agent:bob', DAY, 'answered')).toBe(1);
    expect(counter(c, 'agent:bob', DAY, 'answeredInSL')).toBe(0);
  });

  it('gives a survey of 4 to the last queue and the last agent, on the survey’s day, as satisfied', () => {
    const c = call('xq-survey-4', 4);
    const at = Date.UTC(2026, 2, 11, 4, 30);
    for (const scope of ['queue:billing', 'agent:bob']) {
      expect(byInterval(c, scope, NEXT_DAY, 'surveys'), scope).toEqual(new Map([[at, 1]]));
      expect(byInterval(c, scope, NEXT_DAY, 'satisfied'), scope).toEqual(new Map([[at, 1]]));
      expect(counter(c, scope, DAY, 'surveys'), scope).toBe(0);
    }
    for (const scope of ['queue:sales', 'agent:ann']) {
      expect(counter(c, scope, NEXT_DAY, 'surveys'), scope).toBe(0);
      expect(counter(c, scope, DAY, 'surveys'), scope).toBe(0);
    }
  });

  it('counts a survey of 3 as received but not satisfied', () => {
    const c = call('xq-survey-3', 3);
    expect(counter(c, 'queue:billing', NEXT_DAY, 'surveys')).toBe(1);
    expect(counter(c, 'queue:billing', NEXT_DAY, 'satisfied')).toBe(0);
    expect(counter(c, 'agent:bob', NEXT_DAY, 'satisfied')).toBe(0);
  });
});

describe('days and intervals in the center’s time zone', () => {
  it('tells the two 01:30 intervals of the repeated hour apart on 2026-11-01 in New York', () => {
    // 05:40Z is 01:40 EDT (first pass), 06:40Z is 01:40 EST (second pass): same local time, different intervals.
    const first = contributionOf('dst-1', (e) => [e('call.offered', Date.UTC(2026, 10, 1, 5, 40), { queue: 'sales' })]);
    const second = contributionOf('dst-2', (e) => [e('call.offered', Date.UTC(2026, 10, 1, 6, 40), { queue: 'sales' })]);
    const firstStart = Date.UTC(2026, 10, 1, 5, 30);
    const secondStart = Date.UTC(2026, 10, 1, 6, 30);
    expect(byInterval(first, 'queue:sales', '2026-11-01', 'offered')).toEqual(new Map([[firstStart, 1]]));
    expect(byInterval(second, 'queue:sales', '2026-11-01', 'offered')).toEqual(new Map([[secondStart, 1]]));
    expect(newYork.format(firstStart)).toBe('2026-11-01T01:30:00.000-04:00');
    expect(newYork.format(secondStart)).toBe('2026-11-01T01:30:00.000-05:00');
  });

  it('puts 23:59 local on its own day, not the UTC day', () => {
    // 2026-03-11T03:59Z is 23:59 EDT on 2026-03-10.
    const c = contributionOf('late', (e) => [e('call.offered', Date.UTC(2026, 2, 11, 3, 59), { queue: 'sales' })]);
    expect(byInterval(c, 'queue:sales', DAY, 'offered')).toEqual(new Map([[Date.UTC(2026, 2, 11, 3, 45), 1]]));
    expect(counter(c, 'queue:sales', '2026-03-11', 'offered')).toBe(0);
  });
});

describe('durations computed below zero count as zero (CONTRACT v2)', () => {
  it('counts an answer stamped before its offer as a wait of 0, within the service level, in the offer’s interval', () => {
    // offered at 3600 s (11:00 EDT), answered at 0 s.
    const c = contributionOf('neg-wait', (e) => [e('call.offered', s(3600), { queue: 'sales' }), e('call.answered', s(0), { agent: 'ann' })]);
    for (const scope of ['queue:sales', 'agent:ann']) {
      expect(byInterval(c, scope, DAY, 'answered'), scope).toEqual(new Map([[INTERVAL(4), 1]]));
      expect(byInterval(c, scope, DAY, 'answeredInSL'), scope).toEqual(new Map([[INTERVAL(4), 1]]));
      expect(counter(c, scope, DAY, 'answerWaitMs'), scope).toBe(0);
    }
  });

  // An abandon or timeout stamped before its offer once found no segment and was dropped; the offer
  // then opened a segment that waited for ever. By the contract the wait is below zero, so 0.
  it('counts an abandon stamped before its offer as a short abandon (wait 0), no longer waiting', () => {
    const c = contributionOf('neg-abandon', (e) => [e('call.offered', s(100), { queue: 'sales' }), e('call.abandoned', s(40))]);
    expect(counter(c, 'queue:sales', DAY, 'offered')).toBe(1);
    expect(counter(c, 'queue:sales', DAY, 'abandoned')).toBe(1);
    expect(counter(c, 'queue:sales', DAY, 'shortAbandoned')).toBe(1);
    expect(members(c, liveKeys.waiting('queue:sales')).size).toBe(0);
  });

  it('counts a timeout stamped before its offer as timed out, no longer waiting', () => {
    const c = contributionOf('neg-timeout', (e) => [e('call.offered', s(100), { queue: 'sales' }), e('call.timeout', s(40))]);
    expect(counter(c, 'queue:sales', DAY, 'timedOut')).toBe(1);
    expect(members(c, liveKeys.waiting('queue:sales')).size).toBe(0);
  });

  it('never produces a negative counter, whatever the stamps', () => {
    const c = contributionOf('neg-all', (e) => [
      e('call.offered', s(500), { queue: 'sales' }),
      e('call.answered', s(100), { agent: 'ann' }),
      e('call.resumed', s(110)),
      e('call.held', s(120)),
      e('call.wrapped', s(150)),
      e('call.ended', s(200)),
    ]);
    for (const scope of ['queue:sales', 'agent:ann']) {
      for (const [, figures] of intervalFields(c, scope, DAY))
        for (const [figure, amount] of figures) expect(amount, `${scope} ${figure}`).toBeGreaterThanOrEqual(0);
    }
  });

  // CONTRACT v2: "wrap computed below zero counts as zero": wrap = wrapped.ts − ended.ts, so a wrap-up stamped before its end
  // still wraps the part (handled, wrap 0): the story keeps it on the open part until the part ends.
  it('counts a wrap-up stamped before its end as a handled part with a wrap of 0', () => {
    const c = contributionOf('neg-wrap', (e) => [
      e('call.offered', s(0), { queue: 'sales' }),
      e('call.answered', s(10), { agent: 'ann' }),
      e('call.wrapped', s(90), { resolved: true }),
      e('call.ended', s(100)),
    ]);
    expect(counter(c, 'agent:ann', DAY, 'handled')).toBe(1);
    expect(counter(c, 'agent:ann', DAY, 'talkMs')).toBe(90_000);
    expect(counter(c, 'agent:ann', DAY, 'wrapMs')).toBe(0);
    expect(counter(c, 'agent:ann', DAY, 'resolved')).toBe(1);
    expect(members(c, liveKeys.inWrap).size).toBe(0);
  });

  // An end or transfer stamped before its answer once found no open part and was dropped: the part stayed open, the agent
  // on a call until the live-call timeout, and nothing counted. It ends the part when the answer comes (talk 0).
  it('counts an end stamped before its answer as talk 0, then after-call work, then handled at the wrap-up', () => {
    const steps = (e: ReturnType<typeof callOf>) => [
      e('call.offered', s(0), { queue: 'sales' }),
      e('call.answered', s(20), { agent: 'ann' }),
      e('call.ended', s(10)),
    ];
    const ended = contributionOf('neg-talk-open', steps);
    expect(members(ended, liveKeys.onCall).size).toBe(0);
    expect([...members(ended, liveKeys.inWrap).values()]).toEqual([s(10)]);
    expect(counter(ended, 'agent:ann', DAY, 'handled')).toBe(0);
    const c = contributionOf('neg-talk', (e) => [...steps(e), e('call.wrapped', s(30))]);
    for (const scope of ['queue:sales', 'agent:ann']) {
      expect(counter(c, scope, DAY, 'handled'), scope).toBe(1);
      expect(counter(c, scope, DAY, 'talkMs'), scope).toBe(0);
      expect(counter(c, scope, DAY, 'wrapMs'), scope).toBe(20_000);
    }
    expect(members(c, liveKeys.onCall).size + members(c, liveKeys.inWrap).size).toBe(0);
  });

  it('counts a transfer stamped before its answer as handled with talk 0 and one transfer, in the transfer’s interval', () => {
    // Answered at 10:15:20, transferred at 10:14:50 (INTERVAL(0)); bob answers at 10:15:25 and is still talking.
    const c = contributionOf('neg-transfer', (e) => [
      e('call.offered', s(880), { queue: 'sales' }),
      e('call.answered', s(920), { agent: 'ann' }),
      e('call.transferred', s(890), { target: 'bob' }),
      e('call.answered', s(925), { agent: 'bob' }),
    ]);
    expect(byInterval(c, 'agent:ann', DAY, 'handled')).toEqual(new Map([[INTERVAL(0), 1]]));
    expect(byInterval(c, 'agent:ann', DAY, 'transfers')).toEqual(new Map([[INTERVAL(0), 1]]));
    expect(counter(c, 'agent:ann', DAY, 'talkMs')).toBe(0);
    expect([...members(c, liveKeys.onCall).keys()].map((m) => m.split('\u0000')[0])).toEqual(['bob']);
  });
});

describe('agentContribution', () => {
  const stateEvent = (at: number, state: AgentStateEvent['state'], reason?: string): AgentStateEvent & { at: number } => ({
    id: `st-${at}-${state}`,
    type: 'agent.state',
    ts: at,
    at,
    agent: 'ann',
    state,
    ...(reason === undefined ? {} : { reason }),
  });

  it('keeps the latest state by ts, whatever order the events come in', () => {
    const c = agentContribution('ann', [stateEvent(s(10), 'available'), stateEvent(s(30), 'break', 'lunch'), stateEvent(s(20), 'offline')]);
    expect(storedAgentState(c, 'ann')).toEqual({ state: 'break', at: s(30), reason: 'lunch' });
    expect(seen(c, liveKeys.agentsSeen, 'ann')).toBe(1);
    expect(touchedScopes(c)).toEqual(['agent:ann', 'all']);
    expect(countedScopes(c)).toEqual([]);
  });

  it('contributes nothing without events', () => {
    const c = agentContribution('ann', []);
    expect(storedAgentState(c, 'ann')).toBeUndefined();
    expect(seen(c, liveKeys.agentsSeen, 'ann')).toBe(0);
    expect(touchedScopes(c)).toEqual([]);
  });
});
