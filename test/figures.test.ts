// Each figure's definition from CONTRACT.md, edge by edge, through the real API and a real Redis.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApp, type TestApp } from './support/app.ts';
import { ev, metrics, s, send } from './support/events.ts';

const DAY = '2026-03-10';
let app: TestApp;
beforeAll(async () => {
  app = await startApp(inject('redisUrl'));
});
afterAll(() => app.close());

/** Each test uses its own queue and agents so the figures do not mix. */
let n = 0;
const fresh = () => {
  n++;
  return { q: `q${n}`, a: `a${n}`, b: `b${n}`, call: (i = 0) => `c${n}-${i}` };
};

describe('service level and waits', () => {
  it('counts a wait of exactly 30 s as within the threshold, and 30.001 s as not', async () => {
    const { q, a, call } = fresh();
    await send(app, [
      ev('call.offered', s(0), { callId: call(1), queue: q }),
      ev('call.answered', s(30), { callId: call(1), agent: a }),
      ev('call.offered', s(100), { callId: call(2), queue: q }),
      ev('call.answered', s(130.001), { callId: call(2), agent: a }),
    ]);
    const m = await metrics(app, `queue:${q}`, DAY);
    expect(m).toMatchObject({ offered: 2, answered: 2, answeredInSL: 1, serviceLevel: 0.5, asaMs: 30000.5 });
    const agent = await metrics(app, `agent:${a}`, DAY);
    expect(agent).toMatchObject({ answered: 2, answeredInSL: 1, asaMs: 30000.5 });
  });

  it('leaves short abandons out: exactly 5 s is not short, 4.999 s is', async () => {
    const { q, call } = fresh();
    await send(app, [
      ev('call.offered', s(0), { callId: call(1), queue: q }),
      ev('call.abandoned', s(5), { callId: call(1) }),
      ev('call.offered', s(10), { callId: call(2), queue: q }),
      ev('call.abandoned', s(14.999), { callId: call(2) }),
      ev('call.offered', s(20), { callId: call(3), queue: q }),
      ev('call.timeout', s(80), { callId: call(3) }),
      ev('call.offered', s(30), { callId: call(4), queue: q }),
    ]);
    const m = await metrics(app, `queue:${q}`, DAY);
    expect(m).toMatchObject({ offered: 4, abandoned: 2, shortAbandoned: 1, timedOut: 1, answered: 0, waiting: 1 });
    // SL = 0 / (0 + 2 − 1 + 1); abandon rate = (2 − 1) / (4 − 1)
    expect(m.serviceLevel).toBe(0);
    expect(m.abandonRate).toBeCloseTo(1 / 3, 12);
    expect(m.asaMs).toBeNull();
    expect(m.longestWaitSince).toBe(new Date(s(30)).toISOString());
  });

  it('answers null ratios when there is nothing to divide by', async () => {
    const m = await metrics(app, 'queue:nobody-calls-here', DAY);
    expect(m).toMatchObject({
      offered: 0,
      serviceLevel: null,
      abandonRate: null,
      asaMs: null,
      ahtMs: null,
      csat: null,
      fcr: null,
      waiting: 0,
      longestWaitSince: null,
    });
    expect(m.intervals).toEqual([]);
  });
});

describe('handling', () => {
  it('sums talk, hold and wrap; an unresumed hold lasts to the end of the part', async () => {
    const { q, a, call } = fresh();
    await send(app, [
      ev('call.offered', s(0), { callId: call(), queue: q }),
      ev('call.answered', s(10), { callId: call(), agent: a }),
      ev('call.held', s(40), { callId: call() }),
      ev('call.resumed', s(70), { callId: call() }),
      ev('call.held', s(100), { callId: call() }),
      ev('call.ended', s(130), { callId: call() }),
      ev('call.wrapped', s(190), { callId: call(), resolved: true }),
    ]);
    const m = await metrics(app, `queue:${q}`, DAY);
    // talk = 130 − 10 − 60 hold; hold = 30 + 30; wrap = 60
    expect(m).toMatchObject({ handled: 1, talkMs: 60000, holdMs: 60000, wrapMs: 60000, ahtMs: 180000, resolved: 1, unresolved: 0, fcr: 1 });
    expect(await metrics(app, `agent:${a}`, DAY)).toMatchObject({ handled: 1, talkMs: 60000, holdMs: 60000, wrapMs: 60000 });
  });

  it('a transfer to an agent ends the first part as handled without wrap, and the second agent adds handling but not an answer', async () => {
    const { q, a, b, call } = fresh();
    await send(app, [
      ev('call.offered', s(0), { callId: call(), queue: q }),
      ev('call.answered', s(5), { callId: call(), agent: a }),
      ev('call.transferred', s(65), { callId: call(), target: b }),
      ev('call.answered', s(70), { callId: call(), agent: b }),
      ev('call.ended', s(130), { callId: call() }),
      ev('call.wrapped', s(140), { callId: call(), resolved: false }),
    ]);
    expect(await metrics(app, `queue:${q}`, DAY)).toMatchObject({
      offered: 1,
      answered: 1,
      handled: 2,
      transfers: 1,
      talkMs: 120000,
      wrapMs: 10000,
      unresolved: 1,
    });
    expect(await metrics(app, `agent:${a}`, DAY)).toMatchObject({ answered: 1, handled: 1, transfers: 1, talkMs: 60000, wrapMs: 0 });
    expect(await metrics(app, `agent:${b}`, DAY)).toMatchObject({ answered: 0, handled: 1, transfers: 0, talkMs: 60000, wrapMs: 10000, unresolved: 1 });
  });

  it('a transfer to a queue starts a new segment there; the survey goes to the last segment and part', async () => {
    const { q, a, b, call } = fresh();
    const q2 = `${q}-second`;
    await send(app, [
      ev('call.offered', s(0), { callId: call(), queue: q }),
      ev('call.answered', s(5), { callId: call(), agent: a }),
      ev('call.transferred', s(35), { callId: call(), target: q2 }),
      ev('call.offered', s(36), { callId: call(), queue: q2 }),
      ev('call.answered', s(50), { callId: call(), agent: b }),
      ev('call.ended', s(110), { callId: call() }),
      ev('call.wrapped', s(120), { callId: call() }),
      ev('call.survey', s(400), { callId: call(), score: 4 }),
    ]);
    expect(await metrics(app, `queue:${q}`, DAY)).toMatchObject({ offered: 1, answered: 1, handled: 1, transfers: 1, surveys: 0 });
    expect(await metrics(app, `queue:${q2}`, DAY)).toMatchObject({
      offered: 1,
      answered: 1,
      answerWaitMs: 14000,
      handled: 1,
      surveys: 1,
      satisfied: 1,
      csat: 1,
      resolved: 0,
      unresolved: 0,
      fcr: null,
    });
    expect(await metrics(app, `agent:${b}`, DAY)).toMatchObject({ surveys: 1, satisfied: 1 });
    expect(await metrics(app, `agent:${a}`, DAY)).toMatchObject({ surveys: 0 });
  });

  it('a survey after the day ends belongs to the day it arrived; a score of 3 is not satisfied', async () => {
    const { q, a, call } = fresh();
    await send(app, [
      ev('call.offered', s(0), { callId: call(), queue: q }),
      ev('call.answered', s(5), { callId: call(), agent: a }),
      ev('call.ended', s(50), { callId: call() }),
      ev('call.wrapped', s(60), { callId: call() }),
      ev('call.survey', Date.parse('2026-03-11T09:00:00Z'), { callId: call(), score: 3 }),
    ]);
    expect(await metrics(app, `queue:${q}`, DAY)).toMatchObject({ handled: 1, surveys: 0 });
    expect(await metrics(app, `queue:${q}`, '2026-03-11')).toMatchObject({ handled: 0, surveys: 1, satisfied: 0, csat: 0 });
  });
});

describe('order and duplicates', () => {
  it('gives the same figures whatever order the events arrive in, one at a time', async () => {
    const { q, a, call } = fresh();
    const story = [
      ev('call.offered', s(0), { callId: call(), queue: q }),
      ev('call.answered', s(12), { callId: call(), agent: a }),
      ev('call.held', s(20), { callId: call() }),
      ev('call.resumed', s(25), { callId: call() }),
      ev('call.ended', s(80), { callId: call() }),
      ev('call.wrapped', s(95), { callId: call(), resolved: true }),
      ev('call.survey', s(200), { callId: call(), score: 5 }),
    ];
    for (const e of [...story].reverse()) expect((await send(app, [e])).status).toBe(202);
    expect(await metrics(app, `queue:${q}`, DAY)).toMatchObject({
      offered: 1,
      answered: 1,
      answeredInSL: 1,
      handled: 1,
      talkMs: 63000,
      holdMs: 5000,
      wrapMs: 15000,
      surveys: 1,
      satisfied: 1,
      resolved: 1,
    });
    expect((await send(app, story)).body).toEqual({ accepted: 0, duplicates: story.length });
  });

  it('counts an id repeated inside one batch once', async () => {
    const { q, call } = fresh();
    const offer = ev('call.offered', s(0), { callId: call(), queue: q });
    expect((await send(app, [offer, offer, { ...offer }])).body).toEqual({ accepted: 1, duplicates: 2 });
    expect(await metrics(app, `queue:${q}`, DAY)).toMatchObject({ offered: 1, waiting: 1 });
  });
});

describe('live agents', () => {
  it('tells on a call, in wrap, and the last agent.state by ts', async () => {
    const { q, a, b, call } = fresh();
    await send(app, [
      ev('agent.state', s(0), { agent: a, state: 'available' }),
      ev('agent.state', s(500), { agent: b, state: 'offline' }),
      ev('agent.state', s(400), { agent: b, state: 'break', reason: 'lunch' }),
      ev('call.offered', s(10), { callId: call(), queue: q }),
      ev('call.answered', s(20), { callId: call(), agent: a }),
    ]);
    expect((await metrics(app, `agent:${a}`)).roster).toEqual([{ agent: a, state: 'onCall', since: new Date(s(20)).toISOString() }]);
    expect((await metrics(app, `agent:${b}`)).agents).toEqual({ available: 0, onCall: 0, wrap: 0, break: 0, offline: 1 });
    await send(app, [ev('call.ended', s(60), { callId: call() })]);
    expect((await metrics(app, `agent:${a}`)).agents).toMatchObject({ wrap: 1, onCall: 0 });
    await send(app, [ev('call.wrapped', s(70), { callId: call() })]);
    expect((await metrics(app, `agent:${a}`)).agents).toMatchObject({ available: 1, wrap: 0 });
  });
});

describe('retention', () => {
  it("keeps a call's events 35 days and a day's counters 400 days after their last change; live figures for ever", async () => {
    const { q, a, call } = fresh();
    await send(app, [ev('call.offered', s(0), { callId: call(), queue: q }), ev('call.answered', s(5), { callId: call(), agent: a })]);
    const days = async (key: string) => (await app.redis.pttl(app.prefix + key)) / 86_400_000;
    expect(await days(`ev:call:${call()}`)).toBeCloseTo(35, 2);
    expect(await days(`m:call:${call()}`)).toBeCloseTo(35, 2);
    expect(await days(`i:queue:${q}:${DAY}`)).toBeCloseTo(400, 2);
    expect(await app.redis.pttl(`${app.prefix}live:oncall`)).toBe(-1);
    expect(await app.redis.pttl(`${app.prefix}live:seen`)).toBe(-1);
  });
});

describe('teams', () => {
  it('a team is the sum of its agents', async () => {
    const { q, a, b, call } = fresh();
    await app.request('PUT', `/api/v1/teams/t${n}`, { token: app.apiToken, body: { name: 'Team', agents: [a, b] } });
    await send(app, [
      ev('call.offered', s(0), { callId: call(1), queue: q }),
      ev('call.answered', s(10), { callId: call(1), agent: a }),
      ev('call.offered', s(1), { callId: call(2), queue: q }),
      ev('call.answered', s(41), { callId: call(2), agent: b }),
    ]);
    const team = await metrics(app, `team:t${n}`, DAY);
    expect(team).toMatchObject({ answered: 2, answeredInSL: 1, asaMs: 25000, agents: { onCall: 2 } });
    expect(team.intervals).toHaveLength(1);
  });
});
