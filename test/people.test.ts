// People and sessions: user changes end sessions and sockets, sessions bound to an identity, re-checks, limits and origin checks.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hashPassword } from '../server/auth/passwords.ts';
import { readConfig } from '../server/config.ts';
import type { Ack } from '../shared/socket.ts';
import { nextEvent, startApp, type TestApp } from './support/app.ts';

let app: TestApp;
let adminCookie = '';
const PASSWORD = 'a long enough password';

const cookieOf = (res: { headers: Headers }) => (res.headers.get('set-cookie') ?? '').split(';')[0]!;
const signIn = async (username: string, password = PASSWORD, headers?: Record<string, string>) =>
  app.request('POST', '/api/v1/session', { body: { username, password }, headers });
const subscribe = (socket: ReturnType<TestApp['socket']>, scope: string) => new Promise<Ack>((resolve) => socket.emit('subscribe', { scope }, resolve));
const connected = (socket: ReturnType<TestApp['socket']>) =>
  new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
const refused = (socket: ReturnType<TestApp['socket']>) =>
  new Promise<Error>((resolve, reject) => {
    socket.once('connect', () => reject(new Error('connected')));
    socket.once('connect_error', resolve);
  });
/** Resolves with the answer, or 'no answer' after a bounded wait (the event it waits for may never come). */
const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<'no answer'>((resolve) => setTimeout(() => resolve('no answer'), ms).unref())]);

beforeAll(async () => {
  app = await startApp(inject('redisUrl'), { trustProxy: 1 });
  await app.application.directory.createUser({ username: 'root', password: PASSWORD, role: 'admin' });
  adminCookie = cookieOf(await signIn('root', PASSWORD, { 'x-forwarded-for': '192.0.2.1' }));
  await app.request('PUT', '/api/v1/teams/red', { token: app.apiToken, body: { name: 'Red', agents: ['r1'] } });
});
afterAll(() => app.close());

describe('ending sessions', () => {
  it('deleting a user ends all its sessions and disconnects its sockets; the re-created name does not revive them', async () => {
    await app.request('POST', '/api/v1/users', { cookie: adminCookie, body: { username: 'sam', password: PASSWORD, role: 'agent', agent: 'r1' } });
    const first = await signIn('sam');
    const second = await signIn('sam');
    const [a, b] = [cookieOf(first), cookieOf(second)];
    const sessionId = decodeURIComponent(a.split('=')[1]!);
    const stored = await app.redis.get(`${app.prefix}auth:session:${sessionId}`);
    const sockets = [app.socket(undefined, a), app.socket(undefined, b)];
    await Promise.all(sockets.map(connected));
    const gone = Promise.all(sockets.map((s) => nextEvent(s, 'disconnect')));
    expect((await app.request('DELETE', '/api/v1/users/sam', { cookie: adminCookie })).status).toBe(204);
    await gone;
    for (const cookie of [a, b]) expect((await app.request('GET', '/api/v1/session', { cookie })).status).toBe(401);

    // The same name again, now a supervisor; a session of the old identity (say one that escaped the clean-up) stays dead.
    await app.request('POST', '/api/v1/users', { cookie: adminCookie, body: { username: 'sam', password: PASSWORD, role: 'supervisor' } });
    await app.redis.set(`${app.prefix}auth:session:${sessionId}`, stored!);
    expect((await app.request('GET', '/api/v1/metrics?scope=all', { cookie: a })).status).toBe(401);
    const socket = app.socket(undefined, a);
    expect((await refused(socket)).message).toMatch(/unauthorized/);
  });

  for (const change of [{ role: 'lead', teams: ['red'] }, { password: 'another long password' }]) {
    it(`changing a user's ${Object.keys(change)[0]} ends its sessions and disconnects its sockets`, async () => {
      const username = `pat-${Object.keys(change)[0]}`;
      await app.request('POST', '/api/v1/users', { cookie: adminCookie, body: { username, password: PASSWORD, role: 'agent', agent: 'r1' } });
      const cookie = cookieOf(await signIn(username));
      const socket = app.socket(undefined, cookie);
      await connected(socket);
      const gone = nextEvent(socket, 'disconnect');
      expect((await app.request('PATCH', `/api/v1/users/${username}`, { cookie: adminCookie, body: change })).status).toBe(200);
      await gone;
      expect((await app.request('GET', '/api/v1/session', { cookie })).status).toBe(401);
    });
  }

  it('PATCH and DELETE of an unknown user are 404, and only for admins', async () => {
    expect((await app.request('PATCH', '/api/v1/users/nobody', { cookie: adminCookie, body: { role: 'agent' } })).status).toBe(404);
    expect((await app.request('DELETE', '/api/v1/users/nobody', { cookie: adminCookie })).status).toBe(404);
    expect((await app.request('DELETE', '/api/v1/users/root', { token: app.apiToken })).status).toBe(403);
  });
});

describe('sockets', () => {
  it('re-checks the token on every subscribe: revoked since the handshake, it is refused and disconnected', async () => {
    const created = await app.request('POST', '/api/v1/tokens', { token: app.apiToken, body: { role: 'display', name: 'tv' } });
    const socket = app.socket(created.body.token);
    expect(await subscribe(socket, 'all')).toEqual({ ok: true });
    // Revoked in the store only: no broadcast reaches the socket, the next subscribe has to notice.
    await app.application.directory.revokeToken(created.body.id);
    const gone = nextEvent(socket, 'disconnect');
    expect(await subscribe(socket, 'queue:sales')).toMatchObject({ ok: false, error: expect.stringMatching(/^unauthorized/) });
    await gone;
  });

  it('takes a prompt:ack sent the moment the socket connects', async () => {
    const agentToken = (await app.request('POST', '/api/v1/tokens', { token: app.apiToken, body: { role: 'agent', subject: 'r1', name: 'r1' } })).body.token;
    const sent = await app.request('POST', '/api/v1/prompts', { token: app.apiToken, body: { to: 'agent:r1', text: 'hello' } });
    // Hold the server's Redis connection for a moment as the socket connects, so any await in the connection
    // handler lasts longer than the client's first message takes to arrive.
    const namespace = app.application.io.of('/') as unknown as NodeJS.EventEmitter;
    const stall = () => void app.redis.blpop(`${app.prefix}stall`, 0.3).catch(() => undefined);
    namespace.prependListener('connection', stall);
    try {
      const socket = app.socket(agentToken);
      const answer = new Promise<Ack>((resolve) => socket.on('connect', () => socket.emit('prompt:ack', { id: sent.body.id }, resolve)));
      expect(await within(answer, 3000)).toEqual({ ok: true });
    } finally {
      namespace.off('connection', stall);
    }
  });

  it('caps sockets per token and per session, each with its own cap: the next handshake is refused naming it, and a freed place can be taken again', async () => {
    const capped = await startApp(inject('redisUrl'), { maxSocketsPerToken: 3, maxSocketsPerPrincipal: 2 });
    try {
      const token = (await capped.request('POST', '/api/v1/tokens', { token: capped.apiToken, body: { role: 'display', name: 'many' } })).body.token;
      const sockets = Array.from({ length: 3 }, () => capped.socket(token));
      await Promise.all(sockets.map(connected));
      expect((await refused(capped.socket(token))).message).toMatch(/at most 3 sockets per token/);
      // Another token is not affected.
      await connected(capped.socket(capped.apiToken));
      sockets[0]!.disconnect();
      const deadline = Date.now() + 5000;
      for (;;) {
        const ok = await connected(capped.socket(token)).then(
          () => true,
          () => false,
        );
        if (ok) break;
        expect(Date.now()).toBeLessThan(deadline);
      }

      // A signed-in person (a user named like a built-in property) has the session cap.
      await capped.application.directory.createUser({ username: 'constructor', password: PASSWORD, role: 'supervisor' });
      const cookie = cookieOf(await capped.request('POST', '/api/v1/session', { body: { username: 'constructor', password: PASSWORD } }));
      const origin = { origin: capped.url };
      await Promise.all([capped.socket(undefined, cookie, origin), capped.socket(undefined, cookie, origin)].map(connected));
      expect((await refused(capped.socket(undefined, cookie, origin))).message).toMatch(/at most 2 sockets per session/);
    } finally {
      await capped.close();
    }
  });

  it('lets a display token run a floor of TVs by default: 1,000 sockets a token, 20 a session', () => {
    expect(readConfig({}).maxSocketsPerToken).toBe(1000);
    expect(readConfig({}).maxSocketsPerPrincipal).toBe(20);
    expect(readConfig({ WALLBOARD_MAX_SOCKETS_PER_TOKEN: '0' }).maxSocketsPerToken).toBe(0);
    expect(() => readConfig({ WALLBOARD_MAX_SOCKETS_PER_TOKEN: 'many' })).toThrow(/^WALLBOARD_MAX_SOCKETS_PER_TOKEN: /);
  });
});

describe('origin checks', () => {
  it('refuses a cookie request or socket from another origin, not a token one', async () => {
    const evil = { origin: 'https://evil.example' };
    const own = { origin: app.url };
    const body = { name: 'Blue', agents: [] };
    expect((await app.request('PUT', '/api/v1/teams/blue', { cookie: adminCookie, body, headers: evil })).status).toBe(403);
    expect((await app.request('PUT', '/api/v1/teams/blue', { cookie: adminCookie, body, headers: own })).status).toBe(200);
    expect((await app.request('PUT', '/api/v1/teams/blue', { cookie: adminCookie, body })).status).toBe(200);
    expect((await app.request('PUT', '/api/v1/teams/blue', { token: app.apiToken, body, headers: evil })).status).toBe(200);
    // Reading is not state-changing.
    expect((await app.request('GET', '/api/v1/session', { cookie: adminCookie, headers: evil })).status).toBe(200);

    expect((await refused(app.socket(undefined, adminCookie, evil))).message).toMatch(/^forbidden/);
    await connected(app.socket(undefined, adminCookie, own));
    await connected(app.socket(app.apiToken, undefined, evil));
  });
});

describe('sign-in limits', () => {
  it('locks an account guessed from many addresses, but not its owner at a clean address', async () => {
    await app.application.directory.createUser({ username: 'bob', password: PASSWORD, role: 'agent', agent: 'r1' });
    const from = (n: number) => ({ 'x-forwarded-for': `198.51.100.${n}` });
    // Eleven addresses, one wrong guess each: no single address is over any limit of its own.
    for (let n = 1; n <= 11; n++) expect((await signIn('bob', 'wrong guess', from(n))).status).toBe(401);
    // An address that already failed on bob is now refused, even with the right password.
    expect((await signIn('bob', 'wrong again', from(1))).status).toBe(429);
    expect((await signIn('bob', PASSWORD, from(2))).status).toBe(429);
    // The owner, at an address with no failures, signs in.
    expect((await signIn('bob', PASSWORD, from(50))).status).toBe(200);
    // Another account is not locked for those addresses.
    expect((await signIn('root', PASSWORD, from(3))).status).toBe(200);
  });

  it('limits one address across accounts, and without a trusted proxy X-Forwarded-For changes nothing', async () => {
    const direct = await startApp(inject('redisUrl'), { signInLimit: 2 });
    try {
      const statuses: number[] = [];
      for (let n = 0; n < 7; n++) {
        const res = await direct.request('POST', '/api/v1/session', {
          body: { username: `u${n}`, password: 'wrong' },
          headers: { 'x-forwarded-for': `203.0.113.${n}` },
        });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429]);
    } finally {
      await direct.close();
    }
  });
});

describe('passwords', () => {
  it('hashes at N=2^17 and upgrades an older hash at the next sign-in', async () => {
    const legacy = {
      username: 'old',
      role: 'agent',
      agent: 'r1',
      passwordHash: await hashPassword(PASSWORD, { N: 2 ** 15, r: 8, p: 1 }),
      createdAt: '2025-01-01T00:00:00Z',
    };
    await app.redis.hset(`${app.prefix}auth:users`, 'old', JSON.stringify(legacy));
    expect((await signIn('old')).status).toBe(200);
    const upgraded = JSON.parse((await app.redis.hget(`${app.prefix}auth:users`, 'old'))!);
    expect(upgraded.passwordHash).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(upgraded.uid).toEqual(expect.any(String));
    expect((await signIn('old')).status).toBe(200);
    expect((await signIn('old', 'not the password')).status).toBe(401);
  });
});

describe('WALLBOARD_TRUST_PROXY', () => {
  it('is off by default, and takes a hop count or a list of addresses and subnets', () => {
    expect(readConfig({}).trustProxy).toBe(false);
    expect(readConfig({ WALLBOARD_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(readConfig({ WALLBOARD_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,loopback' }).trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1', 'loopback']);
    expect(() => readConfig({ WALLBOARD_TRUST_PROXY: 'true' })).toThrow(/^WALLBOARD_TRUST_PROXY: /);
    expect(() => readConfig({ WALLBOARD_TRUST_PROXY: '10.0.0.0/99' })).toThrow(/^WALLBOARD_TRUST_PROXY: /);
    expect(readConfig({}).maxSocketsPerPrincipal).toBe(20);
    expect(readConfig({ WALLBOARD_MAX_SOCKETS_PER_PRINCIPAL: '5' }).maxSocketsPerPrincipal).toBe(5);
  });
});
