// A team changed under open subscriptions, on two instances of one Redis: its subscribers get the new figures at once,
// and a lead's subscriptions to agents it may no longer read end with a notice, wherever the socket is.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Metrics } from '../shared/figures.ts';
import type { Ack, SubscriptionEnded } from '../shared/socket.ts';
import { nextEvent, startTwoInstances, type TestApp } from './support/app.ts';
import { ev, send } from './support/events.ts';

type LiveSocket = ReturnType<TestApp['socket']>;

let a: TestApp;
let b: TestApp;
beforeAll(async () => {
  [a, b] = await startTwoInstances(inject('redisUrl'));
});
afterAll(async () => {
  await b.close();
  await a.close();
});

const subscribe = (socket: LiveSocket, scope: string) => new Promise<Ack>((resolve) => socket.emit('subscribe', { scope }, resolve));
/** Resolves with the answer, or 'no answer' after a bounded wait (the event it waits for may never come). */
const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<'no answer'>((resolve) => setTimeout(() => resolve('no answer'), ms).unref())]);
/** Well inside the minute after which every screen is refreshed anyway, and long enough for a busy test machine. */
const SOON_MS = 3000;

async function leadToken(app: TestApp, team: string): Promise<string> {
  const res = await app.request('POST', '/api/v1/tokens', { token: app.apiToken, body: { role: 'lead', subject: team, name: `lead of ${team}` } });
  expect(res.status).toBe(201);
  return res.body.token as string;
}

async function putTeam(app: TestApp, id: string, agents: string[]): Promise<void> {
  const res = await app.request('PUT', `/api/v1/teams/${encodeURIComponent(id)}`, { token: app.apiToken, body: { name: id, agents } });
  expect(res.status).toBe(200);
}

describe('a team changed', () => {
  it('sends its subscribers on both instances the new figures at once: an agent added with its calls', async () => {
    await putTeam(a, 'tc-grow', ['tc-grow-1']);
    const now = Date.now();
    await send(a, [
      ev('call.offered', now - 2000, { callId: 'tc-grow-call', queue: 'tc-grow-q' }),
      ev('call.answered', now - 1000, { callId: 'tc-grow-call', agent: 'tc-grow-2' }),
    ]);
    const here = a.socket(a.apiToken);
    const there = b.socket(b.apiToken);
    for (const socket of [here, there]) {
      const first = nextEvent<Metrics>(socket, 'metrics', (m) => m.scope === 'team:tc-grow');
      expect(await subscribe(socket, 'team:tc-grow')).toEqual({ ok: true });
      expect((await first).answered).toBe(0);
    }
    const pushed = [here, there].map((socket) =>
      within(
        nextEvent<Metrics>(socket, 'metrics', (m) => m.scope === 'team:tc-grow' && m.answered === 1),
        SOON_MS,
      ),
    );
    await putTeam(a, 'tc-grow', ['tc-grow-1', 'tc-grow-2']);
    for (const figures of await Promise.all(pushed)) {
      expect(figures).toMatchObject({ scope: 'team:tc-grow', answered: 1, offered: 0 });
      expect((figures as Metrics).roster?.map((r) => r.agent)).toEqual(['tc-grow-2']);
    }
  });

  it("ends a lead's subscription to an agent that left its team, on both instances, and refuses it from then on", async () => {
    // Ids that are also Object.prototype's names: the team, and the agent who leaves.
    await putTeam(a, 'constructor', ['__proto__', 'tc-stays']);
    const token = await leadToken(a, 'constructor');
    const leads = [a.socket(token), b.socket(token)];
    // A supervisor beside each lead still gets the leaver's pushes: when it has one, the lead would have had it too.
    const witnesses = [a.socket(a.apiToken), b.socket(b.apiToken)];
    for (const lead of leads) {
      expect(await subscribe(lead, 'agent:__proto__')).toEqual({ ok: true });
      expect(await subscribe(lead, 'agent:tc-stays')).toEqual({ ok: true });
    }
    for (const witness of witnesses) expect(await subscribe(witness, 'agent:__proto__')).toEqual({ ok: true });
    const ended = leads.map((lead) => {
      const all: SubscriptionEnded[] = [];
      lead.on('subscription:ended', (e: SubscriptionEnded) => all.push(e));
      return all;
    });
    const notices = leads.map((lead) => within(nextEvent<SubscriptionEnded>(lead, 'subscription:ended'), SOON_MS));

    await putTeam(a, 'constructor', ['tc-stays']);

    const words = 'forbidden: the lead role may not read agent:__proto__';
    for (const notice of await Promise.all(notices)) expect(notice).toEqual({ scope: 'agent:__proto__', code: 'forbidden', message: words, error: words });
    const leaked = leads.map((lead) => {
      const got: Metrics[] = [];
      lead.on('metrics', (m: Metrics) => {
        if (m.scope === 'agent:__proto__') got.push(m);
      });
      return got;
    });
    const witnessed = witnesses.map((w) => nextEvent<Metrics>(w, 'metrics', (m) => m.scope === 'agent:__proto__' && m.agents?.break === 1));
    await send(b, [ev('agent.state', Date.now() - 500, { agent: '__proto__', state: 'break' })]);
    await Promise.all(witnessed);
    // A round trip on each lead's own connection: anything pushed to it before the witness's push has arrived by now.
    for (const lead of leads) expect(await subscribe(lead, 'agent:tc-stays')).toEqual({ ok: true });
    expect(leaked).toEqual([[], []]);
    expect(ended.map((list) => list.map((e) => e.scope))).toEqual([['agent:__proto__'], ['agent:__proto__']]);
    for (const app of [a, b]) {
      expect((await app.request('GET', '/api/v1/metrics?scope=agent:__proto__', { token })).status).toBe(403);
      expect((await app.request('GET', '/api/v1/metrics?scope=agent:tc-stays', { token })).status).toBe(200);
    }
    for (const lead of leads) expect(await subscribe(lead, 'agent:__proto__')).toEqual({ ok: false, code: 'forbidden', message: words, error: words });
  });

  it("deleted, ends its subscribers' team scope (no such team) and its leads' agents (forbidden)", async () => {
    await putTeam(a, '__proto__', ['tc-gone-1']);
    const token = await leadToken(a, '__proto__');
    const lead = b.socket(token);
    const supervisor = b.socket(b.apiToken);
    for (const scope of ['team:__proto__', 'agent:tc-gone-1']) expect(await subscribe(lead, scope)).toEqual({ ok: true });
    expect(await subscribe(supervisor, 'team:__proto__')).toEqual({ ok: true });
    const leadEnded: SubscriptionEnded[] = [];
    const bothEnded = new Promise<void>((resolve) =>
      lead.on('subscription:ended', (e: SubscriptionEnded) => {
        leadEnded.push(e);
        if (leadEnded.length === 2) resolve();
      }),
    );
    const supervisorEnded = within(nextEvent<SubscriptionEnded>(supervisor, 'subscription:ended'), SOON_MS);

    expect((await a.request('DELETE', '/api/v1/teams/__proto__', { token: a.apiToken })).status).toBe(204);

    expect(await within(bothEnded, SOON_MS)).not.toBe('no answer');
    expect(leadEnded.sort((x, y) => (x.scope < y.scope ? -1 : 1))).toEqual([
      { scope: 'agent:tc-gone-1', code: 'forbidden', message: expect.stringMatching(/^forbidden:/), error: expect.stringMatching(/^forbidden:/) },
      { scope: 'team:__proto__', code: 'not_found', message: 'no team "__proto__"', error: 'no team "__proto__"' },
    ]);
    expect(await supervisorEnded).toMatchObject({ scope: 'team:__proto__', code: 'not_found' });
    expect(await subscribe(supervisor, 'team:__proto__')).toMatchObject({ ok: false, code: 'not_found' });
  });
});
