// Events stamped out of their story's order (two systems' clocks disagree), through the API into real Redis. CONTRACT v2:
// "Waits, talk, hold and wrap computed below zero count as zero", so each such call counts as the figures say (handled,
// talk 0), leaves no agent on a call and no caller waiting, shows the same in the call log, and reads the same whatever
// order and repeats its events arrive in (server/domain/story.ts has the rule).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CallPart, CallRecord } from '../shared/calls.ts';
import { startApp, type TestApp } from './support/app.ts';
import { metrics, send } from './support/events.ts';
import { shuffled } from './unit/calls.ts';

const DAY = '2026-03-10';
/** 14:14:40 UTC: a call offered here and handled half a minute later counts its handling in the next interval. */
const BASE = Date.parse(`${DAY}T14:14:40Z`);
const t = (seconds: number) => BASE + seconds * 1000;
const Q1400 = Date.parse(`${DAY}T14:00:00Z`);
const Q1415 = Date.parse(`${DAY}T14:15:00Z`);

type Step = [type: string, seconds: number, fields?: Record<string, string | boolean>];
type Event = Record<string, unknown> & { id: string; ts: number };

let app: TestApp;
beforeAll(async () => {
  app = await startApp(inject('redisUrl'));
});
afterAll(() => app.close());

/** One call in a world of its own: its id, queues, agents and targets carry the world's tag. */
function callIn(world: string, steps: Step[]): Event[] {
  const named = (fields: Record<string, string | boolean>) =>
    Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' && k !== 'type' ? `${world}-${v}` : v]));
  return steps.map(([type, at, fields = {}], k) => ({ id: `${world}-e${k}`, type, ts: t(at), callId: `${world}-call`, ...named(fields) }));
}

/** Ways the same events arrive: in ts order at once, backwards one by one, shuffled with repeats in pairs. */
const DELIVERIES: [string, (events: Event[]) => Event[][]][] = [
  ['in ts order', (events) => [[...events].sort((a, b) => a.ts - b.ts)]],
  ['backwards, one at a time', (events) => [...events].sort((a, b) => b.ts - a.ts).map((e) => [e])],
  ...[3, 17].map((seed): [string, (events: Event[]) => Event[][]] => [
    `shuffled and doubled (seed ${seed})`,
    (events) => {
      const messy = shuffled([...events, ...events.filter((_, i) => i % 2 === 0)], seed);
      return Array.from({ length: Math.ceil(messy.length / 2) }, (_, i) => messy.slice(2 * i, 2 * i + 2));
    },
  ]),
];

/** What a world reads: each scope's metrics and the call's record, with the world's tag taken out of names. */
async function readWorld(world: string, scopes: string[]): Promise<{ figures: Record<string, any>; record: CallRecord }> {
  const untag = <T>(value: T): T => JSON.parse(JSON.stringify(value).replaceAll(`${world}-`, ''));
  const figures: Record<string, any> = {};
  for (const scope of scopes) {
    const { asOf: _asOf, ...rest } = await metrics(app, `${scope.split(':')[0]}:${world}-${scope.split(':')[1]}`, DAY);
    figures[scope] = untag(rest);
  }
  const res = await app.request('GET', `/api/v1/calls?from=${DAY}&to=${DAY}&queue=${world}-sales`, { token: app.apiToken });
  expect(res.status, res.text).toBe(200);
  const record = (res.body.calls as CallRecord[]).find((c) => c.callId === `${world}-call`);
  expect(record, `${world}: the call's record`).toBeDefined();
  return { figures, record: untag(record!) };
}

/**
 * Sends the call in every delivery, each into its own world, and answers what the first world reads after checking that
 * every other reads exactly the same.
 */
async function deliveredEveryWay(name: string, steps: Step[], scopes: string[]) {
  const reads = [];
  for (const [how, batches] of DELIVERIES) {
    const world = `${name}-${DELIVERIES.findIndex(([h]) => h === how)}`;
    for (const batch of batches(callIn(world, steps))) expect((await send(app, batch)).status).toBe(202);
    reads.push({ how, ...(await readWorld(world, scopes)) });
  }
  for (const read of reads.slice(1)) {
    expect(read.figures, `${name}: ${read.how}`).toEqual(reads[0]!.figures);
    expect(read.record, `${name}: ${read.how}`).toEqual(reads[0]!.record);
  }
  return reads[0]!;
}

/** A figure of one interval (by its start), 0 when the interval has none. */
function inInterval(m: { intervals: { start: string }[] }, start: number, figure: string): number {
  const interval = m.intervals.find((i) => Date.parse(i.start) === start) as Record<string, number> | undefined;
  return interval?.[figure] ?? 0;
}

const NOT_ON_A_CALL = { onCall: 0, wrap: 0, available: 1, break: 0, offline: 0 };
const instant = (iso: string | null) => (iso === null ? null : Date.parse(iso));
const timesOf = (p: CallPart) => ({ answeredAt: instant(p.answeredAt), endedAt: instant(p.endedAt), wrappedAt: instant(p.wrappedAt) });

describe('an end stamped before its answer: talk 0, handled, not on a call', () => {
  // Offered at 0 s, answered at 20 s, ended at 10 s, wrapped at 30 s.
  const steps: Step[] = [
    ['call.offered', 0, { queue: 'sales' }],
    ['call.answered', 20, { agent: 'ann' }],
    ['call.ended', 10],
    ['call.wrapped', 30, { resolved: true }],
  ];

  it('counts the part as answered, ended with talk 0 and wrapped (20 s: wrapped − ended), in the wrap-up’s interval', async () => {
    const { figures, record } = await deliveredEveryWay('end-first', steps, ['queue:sales', 'agent:ann']);
    for (const scope of ['queue:sales', 'agent:ann']) {
      const m = figures[scope];
      expect(m, scope).toMatchObject({ answered: 1, asaMs: 20_000, handled: 1, talkMs: 0, holdMs: 0, wrapMs: 20_000, ahtMs: 20_000, resolved: 1 });
      expect(inInterval(m, Q1400, 'answered'), scope).toBe(1);
      expect(inInterval(m, Q1415, 'handled'), scope).toBe(1);
      expect(inInterval(m, Q1415, 'wrapMs'), scope).toBe(20_000);
    }
    expect(figures['agent:ann'].agents).toEqual(NOT_ON_A_CALL);
    expect(figures['queue:sales'].waiting).toBe(0);
    expect(record.parts).toHaveLength(1);
    expect(record.parts[0]).toMatchObject({ agent: 'ann', talkMs: 0, holdMs: 0, wrapMs: 20_000, transferredTo: null, resolved: true });
    expect(timesOf(record.parts[0]!)).toEqual({ answeredAt: t(20), endedAt: t(10), wrappedAt: t(30) });
  });

  it('puts the agent in after-call work, not on a call, until the wrap-up arrives', async () => {
    const events = callIn('end-first-live', steps);
    expect((await send(app, shuffled(events.slice(0, 3), 5))).status).toBe(202);
    expect((await metrics(app, 'agent:end-first-live-ann', DAY)).agents).toMatchObject({ onCall: 0, wrap: 1 });
    expect(await metrics(app, 'agent:end-first-live-ann', DAY)).toMatchObject({ handled: 0 });
    expect((await send(app, events.slice(3))).status).toBe(202);
    expect(await metrics(app, 'agent:end-first-live-ann', DAY)).toMatchObject({ handled: 1, talkMs: 0, wrapMs: 20_000, agents: NOT_ON_A_CALL });
  });

  it('counts an end and a wrap-up both stamped before the answer (wrap 5 s)', async () => {
    const early: Step[] = [
      ['call.offered', 0, { queue: 'sales' }],
      ['call.ended', 10],
      ['call.wrapped', 15],
      ['call.answered', 20, { agent: 'ann' }],
    ];
    const { figures, record } = await deliveredEveryWay('all-first', early, ['queue:sales', 'agent:ann']);
    expect(figures['agent:ann']).toMatchObject({ handled: 1, talkMs: 0, wrapMs: 5_000, ahtMs: 5_000, agents: NOT_ON_A_CALL });
    expect(record.parts[0]).toMatchObject({ talkMs: 0, wrapMs: 5_000 });
  });
});

describe('transfers stamped out of order', () => {
  it('counts a transfer stamped before its answer as a handled part with talk 0 and one transfer, at the transfer', async () => {
    const steps: Step[] = [
      ['call.offered', 0, { queue: 'sales' }],
      ['call.answered', 20, { agent: 'ann' }],
      ['call.transferred', 10, { target: 'bob' }],
      ['call.answered', 25, { agent: 'bob' }],
      ['call.held', 40],
      ['call.resumed', 50],
      ['call.ended', 85],
      ['call.wrapped', 95],
    ];
    const { figures, record } = await deliveredEveryWay('transfer-first', steps, ['queue:sales', 'agent:ann', 'agent:bob']);
    expect(figures['agent:ann']).toMatchObject({ answered: 1, handled: 1, transfers: 1, talkMs: 0, wrapMs: 0, ahtMs: 0, agents: NOT_ON_A_CALL });
    // The transfer at 10 s (14:14:50) counts in the 14:00 interval; bob's wrap-up at 95 s in 14:15.
    expect(inInterval(figures['agent:ann'], Q1400, 'handled')).toBe(1);
    expect(figures['agent:bob']).toMatchObject({
      answered: 0,
      handled: 1,
      transfers: 0,
      talkMs: 50_000,
      holdMs: 10_000,
      wrapMs: 10_000,
      agents: NOT_ON_A_CALL,
    });
    expect(inInterval(figures['agent:bob'], Q1415, 'handled')).toBe(1);
    const queue = figures['queue:sales'];
    expect(queue).toMatchObject({ offered: 1, answered: 1, handled: 2, transfers: 1, talkMs: 50_000, holdMs: 10_000, wrapMs: 10_000, ahtMs: 35_000 });
    expect([inInterval(queue, Q1400, 'handled'), inInterval(queue, Q1415, 'handled')]).toEqual([1, 1]);
    expect(record.parts.map((p) => [p.agent, p.talkMs, p.wrapMs, p.transferredTo])).toEqual([
      ['ann', 0, 0, 'bob'],
      ['bob', 50_000, 10_000, null],
    ]);
    expect(timesOf(record.parts[0]!)).toEqual({ answeredAt: t(20), endedAt: t(10), wrappedAt: null });
  });

  it('gives the transfer to the agent handing on when the next agent’s answer is stamped before it', async () => {
    const steps: Step[] = [
      ['call.offered', 0, { queue: 'sales' }],
      ['call.answered', 5, { agent: 'ann' }],
      ['call.answered', 58, { agent: 'bob' }],
      ['call.transferred', 60, { target: 'bob' }],
      ['call.ended', 120],
      ['call.wrapped', 130],
    ];
    const { figures, record } = await deliveredEveryWay('answer-before-transfer', steps, ['queue:sales', 'agent:ann', 'agent:bob']);
    expect(figures['agent:ann']).toMatchObject({ handled: 1, transfers: 1, talkMs: 55_000, wrapMs: 0, agents: NOT_ON_A_CALL });
    expect(figures['agent:bob']).toMatchObject({ handled: 1, transfers: 0, talkMs: 62_000, wrapMs: 10_000, agents: NOT_ON_A_CALL });
    expect(record.parts.map((p) => [p.agent, p.transferredTo, p.talkMs])).toEqual([
      ['ann', 'bob', 55_000],
      ['bob', null, 62_000],
    ]);
  });
});

describe('a later segment’s answer or abandon stamped before its offer', () => {
  const transferred: Step[] = [
    ['call.offered', 0, { queue: 'sales' }],
    ['call.answered', 5, { agent: 'ann' }],
    ['call.transferred', 60, { target: 'billing' }],
  ];

  it('opens the new queue’s segment with a wait of 0 instead of adding a part to the old one', async () => {
    const steps: Step[] = [
      ...transferred,
      ['call.answered', 65, { agent: 'bob' }],
      ['call.offered', 70, { queue: 'billing' }],
      ['call.ended', 130],
      ['call.wrapped', 140],
    ];
    const { figures, record } = await deliveredEveryWay('answer-first-2', steps, ['queue:sales', 'queue:billing', 'agent:ann', 'agent:bob']);
    expect(figures['queue:sales']).toMatchObject({ offered: 1, answered: 1, handled: 1, transfers: 1, talkMs: 55_000 });
    expect(figures['queue:billing']).toMatchObject({
      offered: 1,
      answered: 1,
      answeredInSL: 1,
      asaMs: 0,
      handled: 1,
      talkMs: 65_000,
      wrapMs: 10_000,
      waiting: 0,
    });
    expect(figures['agent:bob']).toMatchObject({ answered: 1, handled: 1, agents: NOT_ON_A_CALL });
    expect(record.segments.map((s) => [s.queue, s.outcome, s.waitMs])).toEqual([
      ['sales', 'answered', 5_000],
      ['billing', 'answered', 0],
    ]);
    expect(record.parts.map((p) => [p.agent, p.segment])).toEqual([
      ['ann', 0],
      ['bob', 1],
    ]);
  });

  it('counts an abandon stamped before the new queue’s offer as a short abandon; nobody is left waiting', async () => {
    const steps: Step[] = [...transferred, ['call.abandoned', 62], ['call.offered', 65, { queue: 'billing' }]];
    const { figures, record } = await deliveredEveryWay('abandon-first-2', steps, ['queue:sales', 'queue:billing', 'agent:ann']);
    expect(figures['queue:billing']).toMatchObject({ offered: 1, abandoned: 1, shortAbandoned: 1, waiting: 0, longestWaitSince: null });
    expect(figures['queue:sales']).toMatchObject({ handled: 1, transfers: 1, waiting: 0 });
    expect(record.segments.map((s) => [s.queue, s.outcome, s.waitMs])).toEqual([
      ['sales', 'answered', 5_000],
      ['billing', 'abandoned', 0],
    ]);
  });

  // These two passed before the change too: the first segment's offer was already taken by an event stamped before it.
  it('counts a first answer or abandon stamped before its offer with a wait of 0', async () => {
    const answered: Step[] = [
      ['call.offered', 20, { queue: 'sales' }],
      ['call.answered', 0, { agent: 'ann' }],
      ['call.ended', 80],
      ['call.wrapped', 90],
    ];
    const a = await deliveredEveryWay('answer-first', answered, ['queue:sales', 'agent:ann']);
    expect(a.figures['queue:sales']).toMatchObject({ offered: 1, answered: 1, asaMs: 0, handled: 1, talkMs: 80_000, wrapMs: 10_000, waiting: 0 });
    expect(a.figures['agent:ann'].agents).toEqual(NOT_ON_A_CALL);
    const abandoned = await deliveredEveryWay(
      'abandon-first',
      [
        ['call.offered', 20, { queue: 'sales' }],
        ['call.abandoned', 0],
      ],
      ['queue:sales'],
    );
    expect(abandoned.figures['queue:sales']).toMatchObject({ offered: 1, abandoned: 1, shortAbandoned: 1, waiting: 0 });
  });
});

describe('holds stamped out of order', () => {
  it('counts a resume stamped before its hold as a hold of 0, not a hold until the end', async () => {
    const steps: Step[] = [
      ['call.offered', 0, { queue: 'sales' }],
      ['call.answered', 5, { agent: 'ann' }],
      ['call.resumed', 30],
      ['call.held', 40],
      ['call.ended', 100],
      ['call.wrapped', 110],
    ];
    const { figures, record } = await deliveredEveryWay('resume-first', steps, ['queue:sales', 'agent:ann']);
    expect(figures['agent:ann']).toMatchObject({ handled: 1, talkMs: 95_000, holdMs: 0, wrapMs: 10_000, agents: NOT_ON_A_CALL });
    expect(record.parts[0]).toMatchObject({ talkMs: 95_000, holdMs: 0 });
  });

  // Passed before the change too: holds belong to the part they fall in (CONTRACT), and these fall in none.
  it('counts no hold for a hold stamped before the answer and a resume stamped after the end', async () => {
    const steps: Step[] = [
      ['call.offered', 0, { queue: 'sales' }],
      ['call.held', 3],
      ['call.answered', 5, { agent: 'ann' }],
      ['call.ended', 60],
      ['call.resumed', 70],
      ['call.wrapped', 80],
    ];
    const { figures } = await deliveredEveryWay('hold-outside', steps, ['agent:ann']);
    expect(figures['agent:ann']).toMatchObject({ handled: 1, talkMs: 55_000, holdMs: 0, wrapMs: 20_000, agents: NOT_ON_A_CALL });
  });
});
