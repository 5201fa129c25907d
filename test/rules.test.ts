// Automatic prompts: each rule fires on live data, is logged like a manual prompt, and respects its cool-down.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { PromptDelivery } from '../shared/socket.ts';
import { nextEvent, startApp, type TestApp } from './support/app.ts';
import { ev, send } from './support/events.ts';

// The centre's clock (UTC) stands at noon of the real day and runs from there: "today's" figures of calls placed up
// to 15 minutes back never start yesterday, whatever the time the suite runs at.
const offset = Date.parse(`${new Date().toISOString().slice(0, 10)}T12:00:00Z`) - Date.now();
const clock = () => Date.now() + offset;

let app: TestApp;
beforeAll(async () => {
  app = await startApp(inject('redisUrl'), {
    clock,
    settings: {
      queues: [{ id: 'rq', name: 'Rules queue', serviceLevelTarget: 0.8 } as never],
      teams: [
        { id: 'calm', agents: ['calm1'], rules: { longHold: { enabled: false } } },
        { id: 'rq-team', agents: [], queues: ['rq'] },
        { id: 'other-team', agents: [] },
      ],
      rules: { serviceLevelBelow: { minOffered: 2 }, csatBelow: { minSurveys: 2 }, qaBelow: { minEvaluations: 2 } } as never,
    },
  });
});
afterAll(() => app.close());

describe('automatic prompts', () => {
  it('fires on a long call, a long hold, low CSAT and low service level, once per cool-down', async () => {
    const now = clock();
    const agentToken = (await app.request('POST', '/api/v1/tokens', { token: app.apiToken, body: { role: 'agent', subject: 'rr1', name: 'rr1' } })).body.token;
    const agent = app.socket(agentToken);
    await nextEvent(agent, 'banners');
    const supervisor = app.socket(app.apiToken);
    await nextEvent(supervisor, 'banners');
    const toAgent: PromptDelivery[] = [];
    const threeToAgent = new Promise<void>((resolve) =>
      agent.on('prompt', (p: PromptDelivery) => {
        if (toAgent.push(p) === 3) resolve();
      }),
    );
    const queueAlert = nextEvent<PromptDelivery>(supervisor, 'prompt', (p) => /Service level/.test(p.text));
    const leadOf = async (team: string) => {
      const token = (await app.request('POST', '/api/v1/tokens', { token: app.apiToken, body: { role: 'lead', subject: team, name: `lead ${team}` } })).body
        .token;
      const socket = app.socket(token);
      await nextEvent(socket, 'banners');
      return socket;
    };
    const servingLead = await leadOf('rq-team');
    const otherLead = await leadOf('other-team');
    const alertsToOther: PromptDelivery[] = [];
    otherLead.on('prompt', (p: PromptDelivery) => alertsToOther.push(p));
    const leadAlert = nextEvent<PromptDelivery>(servingLead, 'prompt', (p) => /Service level/.test(p.text));

    await send(app, [
      // rr1: a call running 10 minutes with the caller on hold for 3, and two unhappy surveys today.
      ev('call.offered', now - 620_000, { callId: 'r-long', queue: 'rq' }),
      ev('call.answered', now - 600_000, { callId: 'r-long', agent: 'rr1' }),
      ev('call.held', now - 180_000, { callId: 'r-long' }),
      ev('call.offered', now - 900_000, { callId: 'r-old', queue: 'rq' }),
      ev('call.answered', now - 860_000, { callId: 'r-old', agent: 'rr1' }),
      ev('call.ended', now - 800_000, { callId: 'r-old' }),
      ev('call.wrapped', now - 790_000, { callId: 'r-old' }),
      ev('call.survey', now - 700_000, { callId: 'r-old', score: 1 }),
      ev('call.survey', now - 690_000, { callId: 'r-old', score: 2 }),
      // calm1: also on hold 3 minutes, but its team turned the hold rule off.
      ev('call.offered', now - 400_000, { callId: 'r-calm', queue: 'rq' }),
      ev('call.answered', now - 200_000, { callId: 'r-calm', agent: 'calm1' }),
      ev('call.held', now - 180_000, { callId: 'r-calm' }),
    ]);
    const fired = await app.application.rules.tick();
    expect(fired.map((f) => `${f.rule} ${f.to}`).sort()).toEqual([
      'ahtOverrun agent:rr1',
      'csatBelow agent:rr1',
      'longHold agent:rr1',
      'serviceLevelBelow queue:rq',
    ]);
    expect((await leadAlert).priority).toBe('high');
    expect(alertsToOther).toEqual([]);
    expect((await queueAlert).text).toMatch(/^Service level 33% on Rules queue \(target 80%\), 0 agents on break\.$/);
    // The same in data, for a screen in another language: the rule and its figures.
    expect((await queueAlert).words).toEqual({ rule: 'serviceLevelBelow', params: { value: 1 / 3, target: 0.8, queue: 'Rules queue', count: 0 } });
    await threeToAgent;
    expect(toAgent.find((p) => /on hold/.test(p.text))?.priority).toBe('high');

    // Logged like a manual prompt, marked automatic.
    const log = await app.request('GET', '/api/v1/prompts?agent=rr1', { token: app.apiToken });
    expect(log.body.filter((r: { auto: boolean }) => r.auto)).toHaveLength(3);
    // The queue's alert reached no agent, and is in the log and its CSV all the same (one row, no agent).
    const all = await app.request('GET', '/api/v1/prompts', { token: app.apiToken });
    const alert = all.body.find((r: { to: string; auto: boolean }) => r.auto && r.to === 'queue:rq');
    expect(alert).toBeDefined();
    const csv = await app.request('GET', '/api/v1/prompts', { token: app.apiToken, accept: 'text/csv' });
    expect(csv.text.split('\r\n').filter((line) => line.startsWith(`"${alert.id}",`))).toEqual([
      expect.stringMatching(/^"[^"]+","[^"]+","[^"]*","queue:rq","","[^"]+","true",/),
    ]);

    // The cool-down holds: nothing fires again at once.
    expect(await app.application.rules.tick()).toEqual([]);
  });

  it('prompts an agent whose quality today is below target after minEvaluations evaluations, once', async () => {
    // Each tick holds the evaluation lock for 5 s; this test ticks again at once, so it lets the lock go first.
    const tick = async () => {
      await app.redis.del(`${app.prefix}rules:lock`);
      return (await app.application.rules.tick()).filter((f) => f.rule === 'qaBelow');
    };
    const now = clock();
    const agentToken = (await app.request('POST', '/api/v1/tokens', { token: app.apiToken, body: { role: 'agent', subject: 'qa1', name: 'qa1' } })).body.token;
    const agent = app.socket(agentToken);
    await nextEvent(agent, 'banners');
    const prompt = nextEvent<PromptDelivery>(agent, 'prompt', (p) => /quality/.test(p.text));
    await send(app, [
      ev('call.offered', now - 900_000, { callId: 'q-1', queue: 'rq' }),
      ev('call.answered', now - 890_000, { callId: 'q-1', agent: 'qa1' }),
      ev('call.ended', now - 800_000, { callId: 'q-1' }),
      ev('qa.evaluation', now - 60_000, { callId: 'q-1', agent: 'qa1', score: 70, form: 'Inbound' }),
    ]);
    // One evaluation is not enough to judge.
    expect(await tick()).toEqual([]);
    await send(app, [ev('qa.evaluation', now - 30_000, { callId: 'q-2', agent: 'qa1', score: 80 })]);
    const fired = await tick();
    expect(fired.map((f) => f.to)).toEqual(['agent:qa1']);
    expect((await prompt).text).toBe('Your quality score today is 75% over 2 evaluations (target 90%). Your lead can go through them with you.');
    // The cool-down holds.
    expect(await tick()).toEqual([]);
    agent.disconnect();
  });
});
