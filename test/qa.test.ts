// qa.evaluation through the real API and Redis (CONTRACT v2 "More event types"): validated like every event, counted
// for the agent, its teams, the call's last queue and `all` on its own ts, a later one replacing the earlier, auditable.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Metrics } from '../shared/figures.ts';
import { nextEvent, startApp, type TestApp } from './support/app.ts';
import { ev, metrics, s, send } from './support/events.ts';

const DAY = '2026-03-10';
const NEXT_DAY = '2026-03-11';
const HOUR = 3600;
let app: TestApp;
beforeAll(async () => {
  app = await startApp(inject('redisUrl'));
});
afterAll(() => app.close());

const qa = (at: number, callId: string, agent: string, score: number, extra: Record<string, unknown> = {}) =>
  ev('qa.evaluation', at, { callId, agent, score, ...extra });

async function verify(on: TestApp, day: string) {
  const res = await on.request('GET', `/api/v1/ops/verify?day=${day}`, { token: on.apiToken });
  expect(res.status).toBe(200);
  return res.body as { ok: boolean; differences: unknown[]; expiredCalls: { callId: string }[] };
}

const qaOf = (m: Metrics) => ({ evaluations: m.evaluations, qaScore: m.qaScore });

describe('bad input', () => {
  it.each([
    ['a score over 100', { score: 101 }, /^score: /],
    ['a score below 0', { score: -0.5 }, /^score: /],
    ['a score that is not a number', { score: '90' }, /^score: /],
    ['no agent', { agent: undefined }, /^agent: is required/],
    ['no callId', { callId: undefined }, /^callId: is required/],
  ])('refuses %s with 400 naming the field, and stores nothing of the batch', async (what, fields, message) => {
    const agent = `bad ${what}`;
    const good = qa(s(0), `bad-batch ${what}`, agent, 80);
    const bad = JSON.parse(JSON.stringify({ ...qa(s(10), `bad-batch ${what}`, agent, 80), ...fields }));
    const res = await send(app, [good, bad]);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ index: 1, message: expect.stringMatching(message) }]);
    expect(qaOf(await metrics(app, `agent:${agent}`, DAY))).toEqual({ evaluations: 0, qaScore: null });
    // The good one was not taken: sent alone it is new, and counts.
    expect((await send(app, [good])).body).toEqual({ accepted: 1, duplicates: 0 });
    expect(qaOf(await metrics(app, `agent:${agent}`, DAY))).toEqual({ evaluations: 1, qaScore: 0.8 });
  });
});

describe('who gets an evaluation', () => {
  it('counts for the agent named, its team, the call’s last queue and all, with prototype names as ids', async () => {
    const team = await app.request('PUT', `/api/v1/teams/${encodeURIComponent('__proto__')}`, {
      token: app.apiToken,
      body: { name: 'Proto team', agents: ['constructor', '__proto__'] },
    });
    expect(team.status).toBe(200);
    const allBefore = await metrics(app, 'all', DAY);
    await send(app, [
      ev('call.offered', s(0), { callId: 'toString', queue: 'hasOwnProperty' }),
      ev('call.answered', s(5), { callId: 'toString', agent: 'constructor' }),
      ev('call.transferred', s(60), { callId: 'toString', target: 'valueOf' }),
      ev('call.offered', s(62), { callId: 'toString', queue: 'valueOf' }),
      ev('call.answered', s(70), { callId: 'toString', agent: '__proto__' }),
      ev('call.ended', s(300), { callId: 'toString' }),
      qa(s(2 * HOUR), 'toString', 'constructor', 70, { form: 'Inbound v3', evaluator: 'qa-lead' }),
      qa(s(2 * HOUR + 1), 'toString', '__proto__', 95.5),
    ]);
    expect(qaOf(await metrics(app, 'agent:constructor', DAY))).toEqual({ evaluations: 1, qaScore: 0.7 });
    expect(qaOf(await metrics(app, 'agent:__proto__', DAY))).toEqual({ evaluations: 1, qaScore: 0.955 });
    const teamFigures = await metrics(app, 'team:__proto__', DAY);
    expect(teamFigures.evaluations).toBe(2);
    expect(teamFigures.qaScore).toBeCloseTo((70 + 95.5) / 2 / 100, 12);
    // The call's last queue, not the first one.
    expect((await metrics(app, 'queue:valueOf', DAY)).evaluations).toBe(2);
    expect((await metrics(app, 'queue:hasOwnProperty', DAY)).evaluations).toBe(0);
    const all = await metrics(app, 'all', DAY);
    expect(all.evaluations - allBefore.evaluations).toBe(2);
    expect(all.qaScoreMicros - allBefore.qaScoreMicros).toBe(165.5 * 1_000_000);
    // On the interval of the evaluation's own ts.
    const interval = (await metrics(app, 'agent:constructor', DAY)).intervals.find((i: { evaluations: number }) => i.evaluations > 0);
    expect(interval).toMatchObject({ start: new Date(s(2 * HOUR)).toISOString(), qaScore: 0.7 });
    expect((await verify(app, DAY)).differences).toEqual([]);
  });

  it('counts a call with no queue yet for the agent and all; its offer, arriving later, takes it to that queue', async () => {
    const allBefore = await metrics(app, 'all', DAY);
    await send(app, [qa(s(3 * HOUR), 'no-queue-yet', 'nq-agent', 40)]);
    expect(qaOf(await metrics(app, 'agent:nq-agent', DAY))).toEqual({ evaluations: 1, qaScore: 0.4 });
    expect((await metrics(app, 'all', DAY)).evaluations - allBefore.evaluations).toBe(1);
    expect((await metrics(app, 'all', DAY)).queues).not.toContain('nq-queue');

    await send(app, [ev('call.offered', s(100), { callId: 'no-queue-yet', queue: 'nq-queue' })]);
    expect((await metrics(app, 'queue:nq-queue', DAY)).evaluations).toBe(1);
    const all = await metrics(app, 'all', DAY);
    expect(all.evaluations - allBefore.evaluations).toBe(1);
    expect(all.offered - allBefore.offered).toBe(1);
    expect((await verify(app, DAY)).differences).toEqual([]);
  });

  it('works for every Object.prototype name as agent and queue', async () => {
    // A day of their own: other tests here use some of these names already.
    const day = '2026-03-12';
    const at = (seconds: number) => s(48 * HOUR + seconds);
    const names = Object.getOwnPropertyNames(Object.prototype);
    const allBefore = await metrics(app, 'all', day);
    await send(
      app,
      names.flatMap((name, i) => [
        ev('call.offered', at(10 + i), { callId: `proto ${name}`, queue: name }),
        qa(at(4 * HOUR + i), `proto ${name}`, name, i % 101),
        // A call with no queue: agent and `all` only.
        qa(at(5 * HOUR + i), `bare ${name}`, name, 100 - (i % 101)),
      ]),
    );
    for (const [i, name] of names.entries()) {
      expect(qaOf(await metrics(app, `queue:${name}`, day)), name).toEqual({ evaluations: 1, qaScore: (i % 101) / 100 });
      expect(qaOf(await metrics(app, `agent:${name}`, day)), name).toEqual({ evaluations: 2, qaScore: 0.5 });
    }
    expect((await metrics(app, 'all', day)).evaluations - allBefore.evaluations).toBe(2 * names.length);
    expect(({} as Record<string, unknown>).evaluations).toBeUndefined();
    expect((await verify(app, day)).differences).toEqual([]);
  });

  it('does not make an agent seen in the live figures', async () => {
    await send(app, [qa(s(HOUR), 'unseen-call', 'never-on-shift', 100)]);
    const m = await metrics(app, 'agent:never-on-shift', DAY);
    expect(m.evaluations).toBe(1);
    expect(m.roster).toEqual([]);
  });
});

describe('a later evaluation replaces the earlier', () => {
  it('by ts, whatever the arrival order: the replaced one leaves its day, duplicates change nothing', async () => {
    const early = qa(s(HOUR), 'rq', 'rq-agent', 30);
    const late = qa(s(22 * HOUR), 'rq', 'rq-agent', 90);
    await send(app, [ev('call.offered', s(0), { callId: 'rq', queue: 'rq-queue' }), early]);
    expect(qaOf(await metrics(app, 'agent:rq-agent', DAY))).toEqual({ evaluations: 1, qaScore: 0.3 });

    await send(app, [late]);
    expect(qaOf(await metrics(app, 'agent:rq-agent', DAY))).toEqual({ evaluations: 0, qaScore: null });
    expect(qaOf(await metrics(app, 'agent:rq-agent', NEXT_DAY))).toEqual({ evaluations: 1, qaScore: 0.9 });
    expect(qaOf(await metrics(app, 'queue:rq-queue', NEXT_DAY))).toEqual({ evaluations: 1, qaScore: 0.9 });

    // Arriving again, or an older one arriving late, changes nothing.
    expect((await send(app, [early, late])).body).toEqual({ accepted: 0, duplicates: 2 });
    await send(app, [qa(s(2 * HOUR), 'rq', 'rq-agent', 10)]);
    expect(qaOf(await metrics(app, 'agent:rq-agent', DAY))).toEqual({ evaluations: 0, qaScore: null });
    expect(qaOf(await metrics(app, 'agent:rq-agent', NEXT_DAY))).toEqual({ evaluations: 1, qaScore: 0.9 });
    for (const day of [DAY, NEXT_DAY]) expect((await verify(app, day)).differences).toEqual([]);
  });

  it('pushes the change to a subscriber of the agent', async () => {
    const socket = app.socket(app.apiToken);
    const ack = await new Promise((resolve) => socket.emit('subscribe', { scope: 'agent:push-agent' }, resolve));
    expect(ack).toEqual({ ok: true });
    const pushed = nextEvent<Metrics>(socket, 'metrics', (m) => m.scope === 'agent:push-agent' && m.evaluations === 1);
    // Today's figures: an evaluation stamped now.
    await send(app, [ev('qa.evaluation', Date.now() - 1000, { callId: 'push-call', agent: 'push-agent', score: 60 })]);
    expect((await pushed).qaScore).toBe(0.6);
    socket.disconnect();
  });
});

describe('an evaluation is no sign of life', () => {
  let clock = Date.parse('2026-03-10T08:00:00Z');
  let healing: TestApp;
  beforeAll(async () => {
    healing = await startApp(inject('redisUrl'), { liveCallTimeoutMinutes: 240, clock: () => clock });
  });
  afterAll(() => healing.close());

  it('leaves a call swept out of the live figures out of them, and counts the evaluation', async () => {
    const start = clock - 60_000;
    await send(healing, [ev('call.offered', start, { callId: 'stuck', queue: 'stuck-q' })]);
    clock += 241 * 60_000;
    await healing.application.sweepLiveCalls();
    expect(await metrics(healing, 'queue:stuck-q', DAY)).toMatchObject({ waiting: 0, offered: 1 });

    await send(healing, [ev('qa.evaluation', clock - 1000, { callId: 'stuck', agent: 'stuck-agent', score: 75 })]);
    expect(await metrics(healing, 'queue:stuck-q', DAY)).toMatchObject({ waiting: 0, offered: 1, evaluations: 1, qaScore: 0.75 });
    const report = await verify(healing, DAY);
    expect(report.differences).toEqual([]);
    expect(report.expiredCalls.map((c) => c.callId)).toEqual(['stuck']);
  });
});
