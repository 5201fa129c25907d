// buildStory and surveyTarget as pure functions: CONTRACT.md "Calls, segments and order" on hand-written calls.
import { describe, expect, it } from 'vitest';
import { buildStory, surveyTarget, type CallStory, type TimedCallEvent } from '../../server/domain/story.ts';
import { callOf, s, shuffled } from './calls.ts';

describe('one segment', () => {
  it('tells a simple answered call: offered, answered, ended, wrapped', () => {
    const e = callOf('simple');
    const story = buildStory([
      e('call.offered', s(0), { queue: 'sales' }),
      e('call.answered', s(12), { agent: 'ann' }),
      e('call.ended', s(100)),
      e('call.wrapped', s(130)),
    ]);
    expect(story).toEqual<CallStory>({
      segments: [
        {
          queue: 'sales',
          offeredAt: s(0),
          outcome: { kind: 'answered', at: s(12) },
          firstAgent: 'ann',
          parts: [{ agent: 'ann', answeredAt: s(12), endAt: s(100), endKind: 'ended', holdMs: 0, wrappedAt: s(130) }],
        },
      ],
      surveys: [],
      evaluations: new Map(),
    });
  });

  it('tells an abandoned call: no agent, no part', () => {
    const e = callOf('abandon');
    expect(buildStory([e('call.offered', s(0), { queue: 'sales' }), e('call.abandoned', s(4))])).toEqual<CallStory>({
      segments: [{ queue: 'sales', offeredAt: s(0), outcome: { kind: 'abandoned', at: s(4) }, parts: [] }],
      surveys: [],
      evaluations: new Map(),
    });
  });

  it('tells a call that timed out of its queue', () => {
    const e = callOf('timeout');
    expect(buildStory([e('call.offered', s(0), { queue: 'sales' }), e('call.timeout', s(90))])).toEqual<CallStory>({
      segments: [{ queue: 'sales', offeredAt: s(0), outcome: { kind: 'timeout', at: s(90) }, parts: [] }],
      surveys: [],
      evaluations: new Map(),
    });
  });

  it('leaves a segment that is still waiting without an outcome', () => {
    const e = callOf('waiting');
    expect(buildStory([e('call.offered', s(0), { queue: 'sales' })]).segments).toEqual([{ queue: 'sales', offeredAt: s(0), parts: [] }]);
  });

  it('does not start a new segment for a second offer while the first still waits', () => {
    const e = callOf('reoffer');
    const story = buildStory([
      e('call.offered', s(0), { queue: 'sales' }),
      e('call.offered', s(10), { queue: 'billing' }),
      e('call.answered', s(20), { agent: 'ann' }),
    ]);
    expect(story.segments).toHaveLength(1);
    expect(story.segments[0]).toMatchObject({ queue: 'sales', offeredAt: s(0), outcome: { kind: 'answered', at: s(20) } });
  });
});

describe('holds', () => {
  it('sums every hold of a part: (35 − 20) + (52 − 50) = 17 s', () => {
    const e = callOf('holds');
    const story = buildStory([
      e('call.offered', s(0), { queue: 'sales' }),
      e('call.answered', s(10), { agent: 'ann' }),
      e('call.held', s(20)),
      e('call.resumed', s(35)),
      e('call.held', s(50)),
      e('call.resumed', s(52)),
      e('call.ended', s(100)),
    ]);
    expect(story.segments[0]!.parts).toEqual([{ agent: 'ann', answeredAt: s(10), endAt: s(100), endKind: 'ended', holdMs: 17_000 }]);
  });

  it('lets a hold not resumed when the part ends last until that end (100 − 40 = 60 s)', () => {
    const e = callOf('hold-to-end');
    const story = buildStory([
      e('call.offered', s(0), { queue: 'sales' }),
      e('call.answered', s(10), { agent: 'ann' }),
      e('call.held', s(40)),
      e('call.ended', s(100)),
    ]);
    const part = story.segments[0]!.parts[0]!;
    expect(part.holdMs).toBe(60_000);
    expect(part.openHoldAt).toBeUndefined();
  });

  it('ends an open hold at a transfer too, and keeps the hold in the part it fell in', () => {
    const e = callOf('hold-to-transfer');
    const story = buildStory([
      e('call.offered', s(0), { queue: 'sales' }),
      e('call.answered', s(10), { agent: 'ann' }),
      e('call.held', s(40)),
      e('call.transferred', s(70), { target: 'bob' }),
      e('call.answered', s(75), { agent: 'bob' }),
      e('call.held', s(80)),
      e('call.resumed', s(81)),
      e('call.ended', s(100)),
    ]);
    expect(story.segments[0]!.parts.map((p) => [p.agent, p.holdMs])).toEqual([
      ['ann', 30_000],
      ['bob', 1_000],
    ]);
  });

  it('keeps a hold open (not yet counted) while its part is still open', () => {
    const e = callOf('hold-open');
    const story = buildStory([e('call.offered', s(0), { queue: 'sales' }), e('call.answered', s(10), { agent: 'ann' }), e('call.held', s(40))]);
    expect(story.segments[0]!.parts[0]).toMatchObject({ holdMs: 0, openHoldAt: s(40) });
    expect(story.segments[0]!.parts[0]!.endAt).toBeUndefined();
  });
});

describe('transfers and segments', () => {
  it('makes a transfer to an agent a new part of the same segment; the first agent stays the one who answered', () => {
    const e = callOf('to-agent');
    const story = buildStory([
      e('call.offered', s(0), { queue: 'sales' }),
      e('call.answered', s(5), { agent: 'ann' }),
      e('call.transferred', s(60), { target: 'bob' }),
      e('call.answered', s(65), { agent: 'bob' }),
      e('call.ended', s(120)),
      e('call.wrapped', s(150)),
    ]);
    expect(story.segments).toEqual([
      {
        queue: 'sales',
        offeredAt: s(0),
        outcome: { kind: 'answered', at: s(5) },
        firstAgent: 'ann',
        parts: [
          { agent: 'ann', answeredAt: s(5), endAt: s(60), endKind: 'transferred', holdMs: 0 },
          { agent: 'bob', answeredAt: s(65), endAt: s(120), endKind: 'ended', holdMs: 0, wrappedAt: s(150) },
        ],
      },
    ]);
  });

  it('starts a new segment in the new queue when the call is offered again after a transfer to a queue', () => {
    const e = callOf('to-queue');
    const story = buildStory([
      e('call.offered', s(0), { queue: 'sales' }),
      e('call.answered', s(5), { agent: 'ann' }),
      e('call.transferred', s(60), { target: 'billing' }),
      e('call.offered', s(61), { queue: 'billing' }),
      e('call.answered', s(90), { agent: 'bob' }),
      e('call.ended', s(200)),
    ]);
    expect(story.segments).toEqual([
      {
        queue: 'sales',
        offeredAt: s(0),
        outcome: { kind: 'answered', at: s(5) },
        firstAgent: 'ann',
        parts: [{ agent: 'ann', answeredAt: s(5), endAt: s(60), endKind: 'transferred', holdMs: 0 }],
      },
      {
        queue: 'billing',
        offeredAt: s(61),
        outcome: { kind: 'answered', at: s(90) },
        firstAgent: 'bob',
        parts: [{ agent: 'bob', answeredAt: s(90), endAt: s(200), endKind: 'ended', holdMs: 0 }],
      },
    ]);
  });

  it('starts a new segment when a call is offered again after it ended', () => {
    const e = callOf('again');
    const story = buildStory([
      e('call.offered', s(0), { queue: 'sales' }),
      e('call.answered', s(5), { agent: 'ann' }),
      e('call.ended', s(60)),
      e('call.offered', s(70), { queue: 'sales' }),
      e('call.abandoned', s(80)),
    ]);
    expect(story.segments.map((g) => [g.queue, g.offeredAt, g.outcome?.kind])).toEqual([
      ['sales', s(0), 'answered'],
      ['sales', s(70), 'abandoned'],
    ]);
  });
});

describe('wrap-up and surveys', () => {
  it('records resolved true, false, or nothing when the wrap-up does not say', () => {
    const story = (callId: string, resolved?: boolean) => {
      const e = callOf(callId);
      const wrapped = resolved === undefined ? e('call.wrapped', s(40)) : e('call.wrapped', s(40), { resolved });
      return buildStory([e('call.offered', s(0), { queue: 'sales' }), e('call.answered', s(5), { agent: 'ann' }), e('call.ended', s(30)), wrapped]);
    };
    expect(story('yes', true).segments[0]!.parts[0]).toMatchObject({ wrappedAt: s(40), resolved: true });
    expect(story('no', false).segments[0]!.parts[0]).toMatchObject({ wrappedAt: s(40), resolved: false });
    const silent = story('silent').segments[0]!.parts[0]!;
    expect(silent.wrappedAt).toBe(s(40));
    expect(silent.resolved).toBeUndefined();
  });

  it('wraps the part that ended, not the one before it that was transferred', () => {
    const e = callOf('wrap-after-transfer');
    const story = buildStory([
      e('call.offered', s(0), { queue: 'sales' }),
      e('call.answered', s(5), { agent: 'ann' }),
      e('call.transferred', s(20), { target: 'bob' }),
      e('call.answered', s(25), { agent: 'bob' }),
      e('call.ended', s(50)),
      e('call.wrapped', s(70), { resolved: true }),
    ]);
    const [ann, bob] = story.segments[0]!.parts;
    expect(ann!.wrappedAt).toBeUndefined();
    expect(bob).toMatchObject({ agent: 'bob', wrappedAt: s(70), resolved: true });
  });

  it('sends a survey to the last segment’s queue and the last part’s agent', () => {
    const e = callOf('survey');
    const story = buildStory([
      e('call.offered', s(0), { queue: 'sales' }),
      e('call.answered', s(5), { agent: 'ann' }),
      e('call.transferred', s(60), { target: 'billing' }),
      e('call.offered', s(61), { queue: 'billing' }),
      e('call.answered', s(90), { agent: 'bob' }),
      e('call.transferred', s(120), { target: 'cid' }),
      e('call.answered', s(125), { agent: 'cid' }),
      e('call.ended', s(200)),
      e('call.survey', s(300), { score: 5 }),
    ]);
    expect(surveyTarget(story)).toEqual({ queue: 'billing', agent: 'cid' });
    expect(story.surveys).toEqual([{ at: s(300), score: 5 }]);
  });

  it('sends a survey to the last part’s agent even when the last segment had no agent', () => {
    const e = callOf('survey-abandoned');
    const story = buildStory([
      e('call.offered', s(0), { queue: 'sales' }),
      e('call.answered', s(5), { agent: 'ann' }),
      e('call.transferred', s(60), { target: 'billing' }),
      e('call.offered', s(61), { queue: 'billing' }),
      e('call.abandoned', s(90)),
      e('call.survey', s(300), { score: 2 }),
    ]);
    expect(surveyTarget(story)).toEqual({ queue: 'billing', agent: 'ann' });
  });
});

describe('order', () => {
  const e = callOf('order');
  const sorted = [
    e('call.offered', s(0), { queue: 'sales' }),
    e('call.answered', s(5), { agent: 'ann' }),
    e('call.held', s(10)),
    e('call.resumed', s(14)),
    e('call.transferred', s(60), { target: 'billing' }),
    e('call.offered', s(61), { queue: 'billing' }),
    e('call.answered', s(90), { agent: 'bob' }),
    e('call.held', s(100)),
    e('call.ended', s(200)),
    e('call.wrapped', s(230), { resolved: false }),
    e('call.survey', s(300), { score: 4 }),
  ];
  const expected: CallStory = {
    segments: [
      {
        queue: 'sales',
        offeredAt: s(0),
        outcome: { kind: 'answered', at: s(5) },
        firstAgent: 'ann',
        parts: [{ agent: 'ann', answeredAt: s(5), endAt: s(60), endKind: 'transferred', holdMs: 4_000 }],
      },
      {
        queue: 'billing',
        offeredAt: s(61),
        outcome: { kind: 'answered', at: s(90) },
        firstAgent: 'bob',
        parts: [{ agent: 'bob', answeredAt: s(90), endAt: s(200), endKind: 'ended', holdMs: 100_000, wrappedAt: s(230), resolved: false }],
      },
    ],
    surveys: [{ at: s(300), score: 4 }],
    evaluations: new Map(),
  };

  it('tells the story of events given in ts order', () => {
    expect(buildStory(sorted)).toEqual(expected);
  });

  it('tells the same story whatever order the events arrive in', () => {
    expect(buildStory([...sorted].reverse())).toEqual(expected);
    for (let seed = 1; seed <= 50; seed++) expect(buildStory(shuffled(sorted, seed)), `seed ${seed}`).toEqual(expected);
  });

  it('does not change the input array', () => {
    const input = [...sorted].reverse();
    const before = [...input];
    buildStory(input);
    expect(input).toEqual(before);
  });

  it('joins an answer that arrives before its offer to that offer', () => {
    const c = callOf('answer-first');
    const offered = c('call.offered', s(0), { queue: 'sales' });
    const answered = c('call.answered', s(8), { agent: 'ann' });
    expect(buildStory([answered, offered]).segments).toEqual([
      { queue: 'sales', offeredAt: s(0), outcome: { kind: 'answered', at: s(8) }, firstAgent: 'ann', parts: [{ agent: 'ann', answeredAt: s(8), holdMs: 0 }] },
    ]);
  });

  it('keeps one segment when the answer is stamped before its offer (clock skew at the source)', () => {
    const c = callOf('answer-stamped-first');
    const story = buildStory([c('call.offered', s(20), { queue: 'sales' }), c('call.answered', s(0), { agent: 'ann' }), c('call.ended', s(100))]);
    expect(story.segments).toEqual([
      {
        queue: 'sales',
        offeredAt: s(20),
        outcome: { kind: 'answered', at: s(0) },
        firstAgent: 'ann',
        parts: [{ agent: 'ann', answeredAt: s(0), endAt: s(100), endKind: 'ended', holdMs: 0 }],
      },
    ]);
  });
});

// Two systems' clocks disagree: an event stamped before the event it follows waits for it (server/domain/story.ts).
describe('events stamped before the event they follow', () => {
  /** The story of `events` in ts order, after checking that 40 other orders tell the same one. */
  const told = (events: TimedCallEvent[]) => {
    const story = buildStory(events);
    expect(buildStory([...events].reverse())).toEqual(story);
    for (let seed = 1; seed <= 40; seed++) expect(buildStory(shuffled(events, seed)), `seed ${seed}`).toEqual(story);
    return story;
  };

  it('ends a part at an end stamped before its answer (offered 0, answered 20, ended 10, wrapped 30)', () => {
    const e = callOf('end-first');
    const story = told([
      e('call.offered', s(0), { queue: 'sales' }),
      e('call.answered', s(20), { agent: 'ann' }),
      e('call.ended', s(10)),
      e('call.wrapped', s(30)),
    ]);
    expect(story.segments[0]!.parts).toEqual([{ agent: 'ann', answeredAt: s(20), endAt: s(10), endKind: 'ended', holdMs: 0, wrappedAt: s(30) }]);
  });

  it('ends and wraps a part whose end and wrap-up are both stamped before its answer, and before its offer', () => {
    const e = callOf('all-first');
    const story = told([
      e('call.ended', s(2)),
      e('call.wrapped', s(4)),
      e('call.offered', s(6), { queue: 'sales' }),
      e('call.answered', s(8), { agent: 'ann' }),
    ]);
    expect(story.segments).toEqual([
      {
        queue: 'sales',
        offeredAt: s(6),
        outcome: { kind: 'answered', at: s(8) },
        firstAgent: 'ann',
        parts: [{ agent: 'ann', answeredAt: s(8), endAt: s(2), endKind: 'ended', holdMs: 0, wrappedAt: s(4) }],
      },
    ]);
  });

  it('ends a part at a transfer stamped before its answer; the next agent’s part follows in the same segment', () => {
    const e = callOf('transfer-first');
    const story = told([
      e('call.offered', s(0), { queue: 'sales' }),
      e('call.answered', s(20), { agent: 'ann' }),
      e('call.transferred', s(10), { target: 'bob' }),
      e('call.answered', s(25), { agent: 'bob' }),
      e('call.ended', s(85)),
      e('call.wrapped', s(95)),
    ]);
    expect(story.segments).toHaveLength(1);
    expect(story.segments[0]!.parts).toEqual([
      { agent: 'ann', answeredAt: s(20), endAt: s(10), endKind: 'transferred', holdMs: 0 },
      { agent: 'bob', answeredAt: s(25), endAt: s(85), endKind: 'ended', holdMs: 0, wrappedAt: s(95) },
    ]);
  });

  it('ends the next agent’s part at an end stamped between the transfer and that agent’s answer', () => {
    const e = callOf('end-in-between');
    const story = told([
      e('call.offered', s(0), { queue: 'sales' }),
      e('call.answered', s(5), { agent: 'ann' }),
      e('call.transferred', s(60), { target: 'bob' }),
      e('call.ended', s(62)),
      e('call.answered', s(65), { agent: 'bob' }),
      e('call.wrapped', s(90)),
    ]);
    expect(story.segments[0]!.parts.map((p) => [p.agent, p.endKind, p.endAt, p.wrappedAt])).toEqual([
      ['ann', 'transferred', s(60), undefined],
      ['bob', 'ended', s(62), s(90)],
    ]);
  });

  it('gives a transfer to the earliest open part and an end to the latest, when the next answer is stamped before the transfer', () => {
    const e = callOf('two-open');
    const story = told([
      e('call.offered', s(0), { queue: 'sales' }),
      e('call.answered', s(5), { agent: 'ann' }),
      e('call.answered', s(58), { agent: 'bob' }),
      e('call.transferred', s(60), { target: 'bob' }),
      e('call.ended', s(120)),
    ]);
    expect(story.segments[0]!.parts.map((p) => [p.agent, p.endKind, p.endAt])).toEqual([
      ['ann', 'transferred', s(60)],
      ['bob', 'ended', s(120)],
    ]);
  });

  it('keeps a wrap-up stamped before an end for the part that ends, not the open part that is transferred', () => {
    const e = callOf('wrap-before-transfer');
    const story = told([
      e('call.offered', s(0), { queue: 'sales' }),
      e('call.answered', s(5), { agent: 'ann' }),
      e('call.wrapped', s(50), { resolved: true }),
      e('call.transferred', s(60), { target: 'bob' }),
      e('call.answered', s(65), { agent: 'bob' }),
      e('call.ended', s(200)),
    ]);
    expect(story.segments[0]!.parts.map((p) => [p.agent, p.endKind, p.wrappedAt, p.resolved])).toEqual([
      ['ann', 'transferred', undefined, undefined],
      ['bob', 'ended', s(50), true],
    ]);
  });

  it('opens the next segment for an answer stamped before the offer that follows a transfer to a queue', () => {
    const e = callOf('answer-before-offer-2');
    const story = told([
      e('call.offered', s(0), { queue: 'sales' }),
      e('call.answered', s(5), { agent: 'ann' }),
      e('call.transferred', s(60), { target: 'billing' }),
      e('call.answered', s(65), { agent: 'bob' }),
      e('call.offered', s(70), { queue: 'billing' }),
      e('call.ended', s(130)),
    ]);
    expect(story.segments.map((g) => [g.queue, g.offeredAt, g.outcome, g.firstAgent, g.parts.map((p) => p.agent)])).toEqual([
      ['sales', s(0), { kind: 'answered', at: s(5) }, 'ann', ['ann']],
      ['billing', s(70), { kind: 'answered', at: s(65) }, 'bob', ['bob']],
    ]);
  });

  it('opens the next segment for an abandon stamped before the offer that follows a transfer to a queue', () => {
    const e = callOf('abandon-before-offer-2');
    const story = told([
      e('call.offered', s(0), { queue: 'sales' }),
      e('call.answered', s(5), { agent: 'ann' }),
      e('call.transferred', s(60), { target: 'billing' }),
      e('call.abandoned', s(62)),
      e('call.offered', s(65), { queue: 'billing' }),
    ]);
    expect(story.segments.map((g) => [g.queue, g.offeredAt, g.outcome])).toEqual([
      ['sales', s(0), { kind: 'answered', at: s(5) }],
      ['billing', s(65), { kind: 'abandoned', at: s(62) }],
    ]);
  });

  it('opens the next segment for an answer stamped before the offer that follows a timeout (an overflow)', () => {
    const e = callOf('answer-after-overflow');
    const story = told([
      e('call.offered', s(0), { queue: 'sales' }),
      e('call.timeout', s(30)),
      e('call.answered', s(35), { agent: 'bob' }),
      e('call.offered', s(40), { queue: 'billing' }),
      e('call.ended', s(100)),
    ]);
    expect(story.segments.map((g) => [g.queue, g.outcome?.kind, g.parts.map((p) => [p.agent, p.endAt])])).toEqual([
      ['sales', 'timeout', []],
      ['billing', 'answered', [['bob', s(100)]]],
    ]);
  });

  it('still adds the answer after a transfer to an agent to the same segment when the call is offered again later', () => {
    const e = callOf('to-agent-then-queue');
    const story = told([
      e('call.offered', s(0), { queue: 'sales' }),
      e('call.answered', s(5), { agent: 'ann' }),
      e('call.transferred', s(60), { target: 'bob' }),
      e('call.answered', s(65), { agent: 'bob' }),
      e('call.transferred', s(90), { target: 'billing' }),
      e('call.offered', s(91), { queue: 'billing' }),
      e('call.answered', s(99), { agent: 'cid' }),
    ]);
    expect(story.segments.map((g) => [g.queue, g.parts.map((p) => p.agent)])).toEqual([
      ['sales', ['ann', 'bob']],
      ['billing', ['cid']],
    ]);
  });

  it('counts a hold closed by a resume stamped before it as 0, and a later hold of the part as usual', () => {
    const e = callOf('resume-first');
    const story = told([
      e('call.offered', s(0), { queue: 'sales' }),
      e('call.answered', s(5), { agent: 'ann' }),
      e('call.resumed', s(30)),
      e('call.held', s(40)),
      e('call.held', s(60)),
      e('call.resumed', s(70)),
      e('call.ended', s(100)),
    ]);
    expect(story.segments[0]!.parts[0]).toEqual({ agent: 'ann', answeredAt: s(5), endAt: s(100), endKind: 'ended', holdMs: 10_000 });
  });

  it('leaves out holds that fall in no part: before the answer, after the end', () => {
    const e = callOf('hold-outside');
    const story = told([
      e('call.offered', s(0), { queue: 'sales' }),
      e('call.held', s(3)),
      e('call.answered', s(5), { agent: 'ann' }),
      e('call.ended', s(60)),
      e('call.resumed', s(70)),
      e('call.held', s(75)),
    ]);
    expect(story.segments[0]!.parts[0]).toEqual({ agent: 'ann', answeredAt: s(5), endAt: s(60), endKind: 'ended', holdMs: 0 });
  });
});
