// Socket.IO: handshake auth, role-checked subscriptions, pushes after ingest, coalescing, banners and revocation.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Metrics } from '../shared/figures.ts';
import type { Ack, Banner } from '../shared/socket.ts';
import { nextEvent, startApp, type TestApp } from './support/app.ts';
import { ev, send } from './support/events.ts';
import { steadyIngest } from './support/steadyIngest.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startApp(inject('redisUrl'));
});
afterAll(() => app.close());

const subscribe = (socket: ReturnType<TestApp['socket']>, scope: string) => new Promise<Ack>((resolve) => socket.emit('subscribe', { scope }, resolve));
const connected = (socket: ReturnType<TestApp['socket']>) =>
  new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });

describe('handshake', () => {
  it('refuses a wrong token with connect_error', async () => {
    const socket = app.socket('not-a-token');
    const error = await nextEvent<Error>(socket, 'connect_error');
    expect(error.message).toMatch(/unauthorized/);
  });

  it('refuses no token at all', async () => {
    const error = await nextEvent<Error>(app.socket(), 'connect_error');
    expect(error.message).toMatch(/unauthorized/);
  });
});

describe('subscriptions', () => {
  it('answers ok and sends the figures at once', async () => {
    const socket = app.socket(app.apiToken);
    const first = nextEvent<Metrics>(socket, 'metrics');
    expect(await subscribe(socket, 'queue:live-a')).toEqual({ ok: true });
    expect(await first).toMatchObject({ scope: 'queue:live-a', offered: 0, waiting: 0 });
  });

  it('refuses the ingest token every scope, and a bad scope', async () => {
    const socket = app.socket(app.ingestToken);
    await connected(socket);
    expect(await subscribe(socket, 'all')).toMatchObject({ ok: false });
    const admin = app.socket(app.apiToken);
    expect(await subscribe(admin, 'galaxy')).toEqual({
      ok: false,
      code: 'bad_request',
      message: expect.stringMatching(/scope/),
      error: expect.stringMatching(/scope/),
    });
  });

  it('pushes the queue, its agent, the team and all after an ingest', async () => {
    await app.request('PUT', '/api/v1/teams/live-team', { token: app.apiToken, body: { name: 'Live', agents: ['live-agent'] } });
    const socket = app.socket(app.apiToken);
    for (const scope of ['queue:live-b', 'agent:live-agent', 'team:live-team', 'all']) expect(await subscribe(socket, scope)).toEqual({ ok: true });
    // Now, or 20 s into today (UTC) in the day's first 20 s: the call offered 20 s back counts today, where the push looks.
    const now = Math.max(Date.now(), Math.floor(Date.now() / 86_400_000) * 86_400_000 + 20_000);
    const pushed = ['queue:live-b', 'agent:live-agent', 'team:live-team', 'all'].map((scope) =>
      nextEvent<Metrics>(socket, 'metrics', (m) => m.scope === scope && (m.answered > 0 || (m.agents?.onCall ?? 0) > 0)),
    );
    await send(app, [
      ev('call.offered', now - 20_000, { callId: 'live-1', queue: 'live-b' }),
      ev('call.answered', now - 1000, { callId: 'live-1', agent: 'live-agent' }),
    ]);
    const [queue, agent, team, all] = await Promise.all(pushed);
    expect(queue!.answered).toBe(1);
    expect(agent!.agents).toMatchObject({ onCall: 1 });
    expect(team!.answered).toBe(1);
    expect(all!.answered).toBeGreaterThanOrEqual(1);
  });

  it("pushes a team's figures when a queue it serves changes", async () => {
    await app.request('PUT', '/api/v1/teams/queue-team', { token: app.apiToken, body: { name: 'Q', agents: [], queues: ['served'] } });
    const socket = app.socket(app.apiToken);
    expect(await subscribe(socket, 'team:queue-team')).toEqual({ ok: true });
    const pushed = nextEvent<Metrics>(socket, 'metrics', (m) => m.scope === 'team:queue-team' && m.teamQueues?.[0]?.waiting === 1);
    await send(app, [ev('call.offered', Date.now() - 1000, { callId: 'served-1', queue: 'served' })]);
    expect((await pushed).teamQueues?.[0]).toMatchObject({ queue: 'served', offered: 1 });
  });

  it('coalesces a burst: fewer pushes than changes, and the last one wins', async () => {
    const socket = app.socket(app.apiToken);
    expect(await subscribe(socket, 'queue:burst')).toEqual({ ok: true });
    const pushes: { at: number; offered: number }[] = [];
    socket.on('metrics', (m: Metrics) => {
      if (m.scope === 'queue:burst') pushes.push({ at: Date.now(), offered: m.offered });
    });
    const final = nextEvent<Metrics>(socket, 'metrics', (m) => m.scope === 'queue:burst' && m.offered === 20);
    const now = Date.now();
    for (let i = 0; i < 20; i++) await send(app, [ev('call.offered', now - i, { callId: `burst-${i}`, queue: 'burst' })]);
    await final;
    // 20 changes produced fewer pushes, and the last one carries them all. (The window itself, 250 ms between pushes,
    // is held by test/unit/coalescer.test.ts on a test clock: arrival times here bunch up when this process is busy.)
    expect(pushes.length).toBeLessThan(20);
    expect(pushes.at(-1)!.offered).toBe(20);
  });
});

describe('push spacing', () => {
  it('sends a scope to a socket at most 4 times in any second under continuous ingest, each 250 ms or more after the last', async () => {
    const load = steadyIngest(app, { queue: 'steady', batchSize: 5, pauseMs: 5 });
    await load.acknowledgedMore(1);
    const socket = app.socket(app.apiToken);
    await connected(socket);
    // When the server hands each message to this socket's connection: what the socket receives, free of the
    // client's own delays (a busy test process would bunch arrivals that left the server well apart).
    const conn = app.application.io.of('/').sockets.get(socket.id!)!.conn;
    const sentAt: number[] = [];
    const enough = new Promise<void>((resolve) =>
      conn.on('packetCreate', (packet: { data?: unknown }) => {
        if (typeof packet.data === 'string' && packet.data.includes('"scope":"queue:steady"')) sentAt.push(performance.now());
        if (sentAt.length === 16) resolve();
      }),
    );
    // Subscribed while events keep coming: the figures sent on subscribing count as the first push.
    expect(await subscribe(socket, 'queue:steady')).toEqual({ ok: true });
    await enough;
    const report = await load.stop();
    expect(report.unexpected).toEqual([]);
    const gaps = sentAt.slice(1).map((at, i) => at - sentAt[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(250);
    const inAnySecond = Math.max(...sentAt.map((from) => sentAt.filter((at) => at >= from && at < from + 1000).length));
    expect(inAnySecond).toBeLessThanOrEqual(4);
  });
});

describe('banners', () => {
  it('sends the active list on connecting and after a raise and a clear', async () => {
    const socket = app.socket(app.apiToken);
    await nextEvent<Banner[]>(socket, 'banners');
    const raised = nextEvent<Banner[]>(socket, 'banners', (list) => list.some((b) => b.message === 'ACD down'));
    const res = await app.request('POST', '/api/v1/banners', { token: app.apiToken, body: { severity: 'critical', message: 'ACD down', queues: ['sales'] } });
    expect(res.status).toBe(201);
    const list = await raised;
    expect(list.find((b) => b.id === res.body.id)).toMatchObject({ severity: 'critical', source: 'manual', queues: ['sales'] });
    const cleared = nextEvent<Banner[]>(socket, 'banners', (l) => !l.some((b) => b.id === res.body.id));
    expect((await app.request('DELETE', `/api/v1/banners/${res.body.id}`, { token: app.apiToken })).status).toBe(204);
    await cleared;
    const history = await app.request('GET', '/api/v1/banners/history', { token: app.apiToken });
    expect(history.body.map((h: { action: string }) => h.action).slice(0, 2)).toEqual(['cleared', 'raised']);
  });

  it('validates a banner by field and refuses a display token', async () => {
    const bad = await app.request('POST', '/api/v1/banners', { token: app.apiToken, body: { severity: 'doom', message: '' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/severity: .*message: /);
    const display = await app.request('POST', '/api/v1/tokens', { token: app.apiToken, body: { role: 'display', name: 'TV' } });
    expect((await app.request('POST', '/api/v1/banners', { token: display.body.token, body: { severity: 'info', message: 'x' } })).status).toBe(403);
  });

  it('drops an expired banner by itself', async () => {
    const socket = app.socket(app.apiToken);
    await nextEvent(socket, 'banners');
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const res = await app.request('POST', '/api/v1/banners', { token: app.apiToken, body: { severity: 'info', message: 'short-lived', expiresAt } });
    await nextEvent<Banner[]>(socket, 'banners', (l) => l.some((b) => b.id === res.body.id));
    await nextEvent<Banner[]>(socket, 'banners', (l) => !l.some((b) => b.id === res.body.id));
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(expiresAt));
  });
});

describe('revocation', () => {
  it('a revoked token gets 401 and its sockets are disconnected', async () => {
    const created = await app.request('POST', '/api/v1/tokens', { token: app.apiToken, body: { role: 'display', name: 'Lobby TV' } });
    expect(created.status).toBe(201);
    const { id, token } = created.body;
    expect((await app.request('GET', '/api/v1/metrics?scope=all', { token })).status).toBe(200);
    const socket = app.socket(token);
    await connected(socket);
    const gone = nextEvent<string>(socket, 'disconnect');
    expect((await app.request('DELETE', `/api/v1/tokens/${id}`, { token: app.apiToken })).status).toBe(204);
    expect(await gone).toBe('io server disconnect');
    expect((await app.request('GET', '/api/v1/metrics?scope=all', { token })).status).toBe(401);
  });
});
