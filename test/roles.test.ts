// Every role against every route and subscription: what each may do, and a 403 (never an empty answer) for the rest.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Ack } from '../shared/socket.ts';
import { nextEvent, startApp, type TestApp } from './support/app.ts';

let app: TestApp;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  app = await startApp(inject('redisUrl'), { signInLimit: 5 });
  await app.request('PUT', '/api/v1/teams/red', { token: app.apiToken, body: { name: 'Red', agents: ['r1', 'r2'] } });
  await app.request('PUT', '/api/v1/teams/blue', { token: app.apiToken, body: { name: 'Blue', agents: ['b1'] } });
  const make = async (role: string, subject?: string) => {
    const res = await app.request('POST', '/api/v1/tokens', { token: app.apiToken, body: { role, name: `${role} token`, ...(subject ? { subject } : {}) } });
    expect(res.status).toBe(201);
    return res.body.token as string;
  };
  tokens.supervisor = app.apiToken;
  tokens.ingest = app.ingestToken;
  tokens.admin = await make('supervisor');
  tokens.display = await make('display');
  tokens.lead = await make('lead', 'red');
  tokens.agent = await make('agent', 'r1');
});
afterAll(() => app.close());

const read = async (role: string, scope: string) => (await app.request('GET', `/api/v1/metrics?scope=${scope}`, { token: tokens[role] })).status;

describe('reading figures', () => {
  const table: [string, string, number][] = [
    ['supervisor', 'all', 200],
    ['supervisor', 'team:blue', 200],
    ['display', 'all', 200],
    ['display', 'queue:sales', 200],
    ['display', 'team:red', 403],
    ['display', 'agent:r1', 403],
    ['lead', 'team:red', 200],
    ['lead', 'agent:r2', 200],
    ['lead', 'team:blue', 403],
    ['lead', 'agent:b1', 403],
    ['lead', 'all', 403],
    ['lead', 'queue:sales', 403],
    ['agent', 'agent:r1', 200],
    ['agent', 'agent:r2', 403],
    ['agent', 'team:red', 403],
    ['agent', 'all', 403],
    ['ingest', 'all', 403],
    ['ingest', 'agent:r1', 403],
  ];
  for (const [role, scope, status] of table) {
    it(`${role} reading ${scope} gets ${status}`, async () => {
      expect(await read(role, scope)).toBe(status);
    });
  }

  it('a display token limited to its board reads only those queues', async () => {
    const board = (await app.request('POST', '/api/v1/tokens', { token: app.apiToken, body: { role: 'display', subject: 'sales,billing', name: 'Floor 2' } }))
      .body.token;
    const get = async (scope: string) => (await app.request('GET', `/api/v1/metrics?scope=${scope}`, { token: board })).status;
    expect(await get('queue:sales')).toBe(200);
    expect(await get('queue:billing')).toBe(200);
    expect(await get('queue:support')).toBe(403);
    expect(await get('all')).toBe(200);
  });

  it('an ingest token reads neither the config nor the banners', async () => {
    expect((await app.request('GET', '/api/v1/config', { token: tokens.ingest })).status).toBe(403);
    expect((await app.request('GET', '/api/v1/banners', { token: tokens.ingest })).status).toBe(403);
    const config = await app.request('GET', '/api/v1/config', { token: tokens.display });
    expect(config.status).toBe(200);
    // The centre's own service level target (the wall's centre total), the default when the settings name none.
    expect(config.body.serviceLevelTarget).toBe(0.8);
    expect((await app.request('GET', '/api/v1/banners', { token: tokens.agent })).status).toBe(200);
  });

  it('answers 401 with no credentials', async () => {
    expect((await app.request('GET', '/api/v1/metrics?scope=all')).status).toBe(401);
  });

  it("gives a lead its team's queues inside the team's figures, while the queue itself stays forbidden", async () => {
    await app.request('PUT', '/api/v1/teams/red', { token: app.apiToken, body: { name: 'Red', agents: ['r1', 'r2'], queues: ['red-q'] } });
    await app.request('POST', '/api/v1/events', {
      token: app.ingestToken,
      body: [{ id: 'rq-1', type: 'call.offered', ts: Date.now() - 5000, callId: 'rq-c1', queue: 'red-q' }],
    });
    const team = await app.request('GET', '/api/v1/metrics?scope=team:red', { token: tokens.lead });
    expect(team.body.teamQueues).toEqual([expect.objectContaining({ queue: 'red-q', offered: 1, waiting: 1 })]);
    expect(await read('lead', 'queue:red-q')).toBe(403);
  });

  it('applies the same rules to subscriptions', async () => {
    const check = async (role: string, scope: string) => {
      const socket = app.socket(tokens[role]);
      return new Promise<Ack>((resolve) => socket.emit('subscribe', { scope }, resolve));
    };
    expect(await check('agent', 'agent:r1')).toEqual({ ok: true });
    expect(await check('agent', 'agent:r2')).toMatchObject({ ok: false });
    expect(await check('lead', 'team:red')).toEqual({ ok: true });
    expect(await check('lead', 'team:blue')).toMatchObject({ ok: false });
    expect(await check('display', 'queue:x')).toEqual({ ok: true });
    expect(await check('display', 'agent:r1')).toMatchObject({ ok: false });
    expect(await check('ingest', 'all')).toMatchObject({ ok: false });
  });
});

describe('managing', () => {
  const writes: [string, string, unknown][] = [
    ['PUT', '/api/v1/teams/green', { name: 'Green', agents: [] }],
    ['POST', '/api/v1/tokens', { role: 'display', name: 'x' }],
    ['POST', '/api/v1/banners', { severity: 'info', message: 'x' }],
  ];
  for (const role of ['display', 'lead', 'agent', 'ingest']) {
    for (const [method, path, body] of writes) {
      it(`${role} may not ${method} ${path}`, async () => {
        expect((await app.request(method, path, { token: tokens[role], body })).status).toBe(403);
      });
    }
    it(`${role} may not create users`, async () => {
      expect(
        (await app.request('POST', '/api/v1/users', { token: tokens[role], body: { username: 'u', password: 'long enough pw', role: 'agent', agent: 'x' } }))
          .status,
      ).toBe(403);
    });
  }

  it('a supervisor may not create users: only an admin', async () => {
    expect(
      (await app.request('POST', '/api/v1/users', { token: app.apiToken, body: { username: 'u', password: 'long enough pw', role: 'agent', agent: 'x' } }))
        .status,
    ).toBe(403);
  });

  it('a token needs its subject for agent and lead', async () => {
    const res = await app.request('POST', '/api/v1/tokens', { token: app.apiToken, body: { role: 'agent', name: 'no subject' } });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^subject: /);
  });
});

describe('people and sessions', () => {
  let adminCookie = '';
  beforeAll(async () => {
    await app.application.directory.createUser({ username: 'root', password: 'correct horse battery', role: 'admin' });
    const res = await app.request('POST', '/api/v1/session', { body: { username: 'root', password: 'correct horse battery' } });
    expect(res.status).toBe(200);
    adminCookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  });

  it('sets an httpOnly, SameSite session cookie and never returns the hash', async () => {
    const res = await app.request('POST', '/api/v1/users', {
      cookie: adminCookie,
      body: { username: 'ann', password: 'ann password 1', role: 'agent', agent: 'r1' },
    });
    expect(res.status).toBe(201);
    expect(res.text).not.toMatch(/scrypt|password/i);
    const signIn = await app.request('POST', '/api/v1/session', { body: { username: 'ann', password: 'ann password 1' } });
    expect(signIn.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    expect(signIn.headers.get('set-cookie')).toMatch(/SameSite=Strict/i);
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect((await app.request('GET', '/api/v1/metrics?scope=agent:r1', { cookie })).status).toBe(200);
    expect((await app.request('GET', '/api/v1/metrics?scope=agent:r2', { cookie })).status).toBe(403);
    // Signed out, the cookie opens nothing.
    expect((await app.request('DELETE', '/api/v1/session', { cookie })).status).toBe(204);
    expect((await app.request('GET', '/api/v1/metrics?scope=agent:r1', { cookie })).status).toBe(401);
  });

  it('stores passwords only as a slow hash', async () => {
    const raw = await app.redis.hget(`${app.prefix}auth:users`, 'ann');
    expect(raw).not.toContain('ann password 1');
    expect(JSON.parse(raw!).passwordHash).toMatch(/^scrypt\$131072\$8\$1\$/);
  });

  it('answers 401 to a wrong password and 429 to a flood', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await app.request('POST', '/api/v1/session', { body: { username: 'flood', password: `wrong ${i}` } })).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });

  it('a session socket follows the signed-in user, and is cut at sign-out', async () => {
    const signIn = await app.request('POST', '/api/v1/session', { body: { username: 'root', password: 'correct horse battery' } });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    const socket = app.socket(undefined, cookie);
    expect(await new Promise<Ack>((resolve) => socket.emit('subscribe', { scope: 'all' }, resolve))).toEqual({ ok: true });
    const gone = nextEvent(socket, 'disconnect');
    await app.request('DELETE', '/api/v1/session', { cookie });
    await gone;
  });

  it('rejects a bad user by field', async () => {
    const res = await app.request('POST', '/api/v1/users', { cookie: adminCookie, body: { username: 'bad\u0000name', password: 'short', role: 'wizard' } });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/username: .*password: .*role: /);
  });
});
