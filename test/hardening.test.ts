// Hostile and odd input (CONTRACT v2): strict ids and times, all-or-nothing batches, and live state that heals.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Metrics } from '../shared/figures.ts';
import { nextEvent, startApp, type TestApp } from './support/app.ts';
import { ev, metrics, s, send } from './support/events.ts';

/** Every built-in property name of Object.prototype: ordinary ids like any other. */
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);

async function verify(app: TestApp, day: string) {
  const res = await app.request('GET', `/api/v1/ops/verify?day=${day}`, { token: app.apiToken });
  expect(res.status).toBe(200);
  return res.body as { ok: boolean; differences: unknown[]; expiredCalls: { callId: string }[]; entities: number };
}

let app: TestApp;
beforeAll(async () => {
  app = await startApp(inject('redisUrl'), { settings: { queues: [{ id: 'constructor', serviceLevelSeconds: 20 } as never] } });
});
afterAll(() => app.close());

describe('times are bounded and strict', () => {
  const now = Date.now();
  const cases: [string, unknown][] = [
    ['a day that does not exist (2026-02-30)', '2026-02-30T10:00:00Z'],
    ['hour 24', '2026-03-10T24:00:00Z'],
    ['year 0000', '0000-01-01T00:00:00Z'],
    ['before 2000', '1999-12-31T23:59:59Z'],
    ['epoch 0', 0],
    ['the far future (8.64e15)', 8.64e15],
    ['16 minutes ahead of the server', now + 16 * 60_000],
    ['an offset past ±18:00', '2026-03-10T10:00:00+19:00'],
  ];
  for (const [what, ts] of cases) {
    it(`refuses ${what} with a 400 naming ts, and stores nothing`, async () => {
      const ok = ev('call.offered', s(0), { callId: `ts-ok-${Math.random()}`, queue: 'ts-q' });
      const res = await send(app, [ok, { id: `bad-ts-${Math.random()}`, type: 'call.ended', ts, callId: 'ts-c' }]);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ index: 1, message: expect.stringMatching(/^ts: /) }]);
      expect((await send(app, [ok])).body).toEqual({ accepted: 1, duplicates: 0 });
    });
  }

  it('accepts a ts up to 15 minutes ahead (clock skew) and a leap-day date', async () => {
    const res = await send(app, [
      ev('agent.state', Date.now() + 14 * 60_000, { agent: 'skew', state: 'available' }),
      ev('agent.state', '2024-02-29T12:00:00+01:00' as never, { agent: 'leap', state: 'break' }),
    ]);
    expect(res).toMatchObject({ status: 202, body: { accepted: 2 } });
  });

  it('counts a wait computed below zero as zero (an answer stamped before its offer)', async () => {
    await send(app, [
      ev('call.offered', s(3600), { callId: 'neg-1', queue: 'neg-q' }),
      ev('call.answered', s(0), { callId: 'neg-1', agent: 'neg-a' }),
      ev('call.ended', s(3700), { callId: 'neg-1' }),
      ev('call.wrapped', s(3650), { callId: 'neg-1' }),
    ]);
    const q = await metrics(app, 'queue:neg-q', '2026-03-10');
    expect(q).toMatchObject({ offered: 1, answered: 1, asaMs: 0 });
    const agent = await metrics(app, 'agent:neg-a', '2026-03-10');
    for (const figure of ['talkMs', 'holdMs', 'wrapMs', 'asaMs']) expect(agent[figure] ?? 0).toBeGreaterThanOrEqual(0);
  });
});

describe('ids are strict, and any well-formed id works', () => {
  const bad: [string, string][] = [
    ['a NUL', 'a02\u0000x'],
    ['an unpaired surrogate', 'c\ud800'],
    ['a C1 control character', 'a\u0085b'],
    ['DEL', 'a\u007f'],
    ['129 characters', 'x'.repeat(129)],
  ];
  for (const [what, id] of bad) {
    for (const field of ['id', 'callId', 'agent'] as const) {
      it(`refuses ${field} with ${what}, naming the field`, async () => {
        const event = { id: `ok-${Math.random()}`, type: 'call.answered', ts: s(5), callId: 'strict-c', agent: 'strict-a', [field]: id };
        const res = await send(app, [event]);
        expect(res.status).toBe(400);
        expect(res.body.errors[0].message).toMatch(new RegExp(`^${field}: `));
      });
    }
  }

  it('refuses a team id, a team member or a token subject that is not a well-formed id', async () => {
    const team = await app.request('PUT', `/api/v1/teams/${encodeURIComponent('t\u0001')}`, { token: app.apiToken, body: { name: 'x', agents: [] } });
    expect(team).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^id: /) } });
    const member = await app.request('PUT', '/api/v1/teams/fine', { token: app.apiToken, body: { name: 'x', agents: ['a\u0000b'] } });
    expect(member).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^agents\.0: /) } });
    const token = await app.request('POST', '/api/v1/tokens', { token: app.apiToken, body: { role: 'agent', subject: 'a\ud800', name: 'x' } });
    expect(token).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^subject: /) } });
  });

  it('takes a username with : * { } and accents like any other id, and refuses one with a control character', async () => {
    await app.application.directory.users.create({ username: 'ids-admin', password: 'long enough pw', role: 'admin' });
    const admin = await app.request('POST', '/api/v1/session', { body: { username: 'ids-admin', password: 'long enough pw' } });
    const cookie = admin.headers.get('set-cookie')!.split(';')[0]!;
    for (const username of ['ops:night*{1}', 'ñandú@centre', 'u'.repeat(128)]) {
      const created = await app.request('POST', '/api/v1/users', { cookie, body: { username, password: 'long enough pw', role: 'agent', agent: 'a1' } });
      expect(created.status, username).toBe(201);
      const signIn = await app.request('POST', '/api/v1/session', { body: { username, password: 'long enough pw' } });
      expect(signIn.status, username).toBe(200);
    }
    const bad = await app.request('POST', '/api/v1/users', { cookie, body: { username: 'a\u0007b', password: 'long enough pw', role: 'agent' } });
    expect(bad).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^username: /) } });
  });

  it('keeps ids with : * { } and 128 characters apart', async () => {
    const ids = ['q:1', 'q*', '{q}', 'q'.repeat(128)];
    await send(
      app,
      ids.map((queue, i) => ev('call.offered', s(10 + i), { callId: `odd-${i}`, queue })),
    );
    for (const queue of ids) expect((await metrics(app, `queue:${queue}`, '2026-03-10')).offered).toBe(1);
  });
});

describe('prototype names are ordinary ids', () => {
  beforeAll(async () => {
    const events = PROTOTYPE_NAMES.flatMap((name, i) => [
      ev('call.offered', s(100 + i * 10), { callId: name, queue: name }),
      ev('call.answered', s(105 + i * 10), { callId: name, agent: name }),
      ev('call.ended', s(200 + i * 10), { callId: name }),
      ev('call.wrapped', s(210 + i * 10), { callId: name, resolved: true }),
      ev('call.survey', s(220 + i * 10), { callId: name, score: 5 }),
      ev('agent.state', s(300 + i * 10), { agent: name, state: 'break' }),
    ]);
    expect((await send(app, events)).status).toBe(202);
    for (const name of PROTOTYPE_NAMES) {
      expect((await app.request('PUT', `/api/v1/teams/${encodeURIComponent(name)}`, { token: app.apiToken, body: { name, agents: [name] } })).status).toBe(200);
    }
  });

  it('reads all, and every queue, agent and team scope of those names', async () => {
    const all = await metrics(app, 'all', '2026-03-10');
    // Each name's agent is on a break, counted once in `all`'s counts by state.
    expect(all.agents.break).toBeGreaterThanOrEqual(PROTOTYPE_NAMES.length);
    for (const name of PROTOTYPE_NAMES) {
      expect(all.queues).toContain(name);
      expect((await metrics(app, `agent:${name}`, '2026-03-10')).roster).toEqual([{ agent: name, state: 'break', since: expect.any(String) }]);
      const queue = await metrics(app, `queue:${name}`, '2026-03-10');
      expect(queue, name).toMatchObject({ offered: 1, answered: 1, answeredInSL: 1, serviceLevel: 1, surveys: 1 });
      expect(await metrics(app, `agent:${name}`, '2026-03-10'), name).toMatchObject({ answered: 1, handled: 1, resolved: 1, agents: { break: 1 } });
      expect(await metrics(app, `team:${name}`, '2026-03-10'), name).toMatchObject({ handled: 1 });
    }
  });

  it('applies the thresholds of a queue called constructor', async () => {
    await send(app, [
      ev('call.offered', s(5000), { callId: 'ctor-late', queue: 'constructor' }),
      ev('call.answered', s(5025), { callId: 'ctor-late', agent: 'ctor-agent' }),
    ]);
    // 25 s is inside the default 30 s but outside this queue's 20 s.
    expect(await metrics(app, 'queue:constructor', '2026-03-10')).toMatchObject({ offered: 2, answered: 2, answeredInSL: 1 });
  });

  it('subscribes to all over Socket.IO', async () => {
    const socket = app.socket(app.apiToken);
    const first = nextEvent<Metrics>(socket, 'metrics', (m) => m.scope === 'all');
    const ack = await new Promise<{ ok: boolean }>((resolve) => socket.emit('subscribe', { scope: 'all' }, resolve));
    expect(ack).toEqual({ ok: true });
    expect((await first).agents!.break).toBeGreaterThanOrEqual(PROTOTYPE_NAMES.length);
    socket.disconnect();
  });

  it('leaves Object.prototype untouched', () => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual([...PROTOTYPE_NAMES].sort());
    expect(({} as Record<string, unknown>).wallboard).toBeUndefined();
  });

  it('passes the self-audit', async () => {
    const report = await verify(app, '2026-03-10');
    expect(report.differences).toEqual([]);
    expect(report.ok).toBe(true);
  });
});

describe('ingest takes JSON or NDJSON from a token only', () => {
  it('answers 415 to another content type, naming it', async () => {
    for (const type of ['text/plain', 'application/xml', 'application/jsonl']) {
      const res = await app.request('POST', '/api/v1/events', { token: app.ingestToken, raw: '[]', contentType: type });
      expect(res.status, type).toBe(415);
      expect(res.body.errors[0].message).toMatch(/Content-Type/);
    }
  });

  it('answers 401 to a session cookie, even an admin one', async () => {
    await app.application.directory.createUser({ username: 'cookie-admin', password: 'correct horse battery', role: 'admin' });
    const signIn = await app.request('POST', '/api/v1/session', { body: { username: 'cookie-admin', password: 'correct horse battery' } });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const res = await app.request('POST', '/api/v1/events', { cookie, body: [ev('call.offered', s(1), { callId: 'cookie', queue: 'q' })] });
    expect(res.status).toBe(401);
    expect(res.body.errors[0].message).toMatch(/Bearer/);
  });

  it('names the limit that tripped', async () => {
    const big = await app.request('POST', '/api/v1/events', { token: app.ingestToken, raw: `[${' '.repeat(10 * 1024 * 1024 + 10)}]` });
    expect(big).toMatchObject({ status: 413, body: { errors: [{ message: expect.stringMatching(/10 MB/) }] } });
    const banner = await app.request('POST', '/api/v1/banners', { token: app.apiToken, body: { severity: 'info', message: 'x'.repeat(200_000) } });
    expect(banner.status).toBe(413);
    expect(banner.body.message).toMatch(/100 kB/);
  });

  it('takes a banner whose optional queues and expiresAt are null as one for every queue with no expiry, and names a wrong type', async () => {
    const raised = await app.request('POST', '/api/v1/banners', {
      token: app.apiToken,
      body: { severity: 'warning', message: 'null optionals', queues: null, expiresAt: null },
    });
    expect(raised.status).toBe(201);
    const active = (await app.request('GET', '/api/v1/banners', { token: app.apiToken })).body as { id: string; queues?: unknown; expiresAt?: unknown }[];
    const banner = active.find((b) => b.id === raised.body.id)!;
    expect(banner.queues ?? null).toBeNull();
    expect(banner.expiresAt ?? null).toBeNull();
    const wrong = await app.request('POST', '/api/v1/banners', { token: app.apiToken, body: { severity: 'warning', message: 'x', queues: 'sales' } });
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(wrong.body)).toMatch(/queues/);
    await app.request('DELETE', `/api/v1/banners/${raised.body.id}`, { token: app.apiToken });
  });
});

describe('query parameters are text given once', () => {
  it('answers 400 naming the parameter to one given twice, instead of reading something else', async () => {
    const get = (path: string) => app.request('GET', path, { token: app.apiToken });
    for (const [path, field] of [
      ['/api/v1/metrics?scope=all&scope=queue:x', 'scope'],
      ['/api/v1/metrics?scope=all&day=2026-03-10&day=2026-03-11', 'day'],
      ['/api/v1/prompts?agent=a&agent=b', 'agent'],
      ['/api/v1/prompts?team=a&team=b', 'team'],
      ['/api/v1/prompts/screens?team=a&team=b', 'team'],
      ['/api/v1/ops/verify?day=2026-03-10&day=2026-03-11', 'day'],
    ]) {
      const res = await get(path!);
      expect(res.status, path).toBe(400);
      expect(res.body.message, path).toBe(`${field}: must be given once, as text`);
    }
    expect((await get('/api/v1/metrics?scope=')).body).toMatchObject({ error: 'bad_request', message: 'scope: must not be empty' });
    expect((await get('/api/v1/prompts?from=&to=')).status).toBe(200);
  });
});

describe('a batch is all or nothing, even when Redis errors', () => {
  const day = '2026-03-10';

  it('answers 503 and writes nothing when a key has the wrong type; the resend counts as new', async () => {
    const batch = [
      ev('call.offered', s(7000), { callId: 'aon-1', queue: 'aon-good' }),
      ev('call.answered', s(7010), { callId: 'aon-1', agent: 'aon-agent' }),
      ev('call.offered', s(7020), { callId: 'aon-2', queue: 'aon-bad' }),
      ev('agent.state', s(7030), { agent: 'aon-agent-2', state: 'available' }),
    ];
    const poisoned = `${app.prefix}i:queue:aon-bad:${day}`;
    await app.redis.set(poisoned, 'not a hash');
    const res = await send(app, batch);
    expect(res.status).toBe(503);
    expect(res.body.errors[0].message).toMatch(/nothing was stored/);
    expect(await metrics(app, 'queue:aon-good', day)).toMatchObject({ offered: 0, answered: 0 });
    for (const agent of ['aon-agent', 'aon-agent-2']) expect((await metrics(app, `agent:${agent}`, day)).roster).toEqual([]);
    expect(await app.redis.exists(`${app.prefix}ev:call:aon-1`)).toBe(0);

    await app.redis.del(poisoned);
    expect((await send(app, batch)).body).toEqual({ accepted: 4, duplicates: 0 });
    expect(await metrics(app, 'queue:aon-good', day)).toMatchObject({ offered: 1, answered: 1 });
    expect((await verify(app, day)).differences).toEqual([]);
  });

  it('answers 503 and writes nothing when a counter would overflow', async () => {
    // A first long call puts talk time in the interval; then its counter is pushed near the safe-integer limit.
    const longCall = (id: string, at: number) => [
      ev('call.offered', s(at), { callId: id, queue: 'ovf' }),
      ev('call.answered', s(at + 5), { callId: id, agent: 'ovf-agent' }),
      ev('call.ended', s(at + 5 + 1800), { callId: id }),
      ev('call.wrapped', s(at + 5 + 1810), { callId: id }),
    ];
    expect((await send(app, longCall('ovf-0', 8000))).status).toBe(202);
    const key = `${app.prefix}i:queue:ovf:${day}`;
    const [field] = (await app.redis.hkeys(key)).filter((f) => f.endsWith(':talkMs'));
    const talk = await app.redis.hget(key, field!);
    await app.redis.hset(key, field!, String(Number.MAX_SAFE_INTEGER - 1000));
    const batch = [...longCall('ovf-1', 8010), ev('call.offered', s(8002), { callId: 'ovf-2', queue: 'ovf-other' })];
    expect((await send(app, batch)).status).toBe(503);
    expect(await metrics(app, 'queue:ovf-other', day)).toMatchObject({ offered: 0 });
    await app.redis.hset(key, field!, talk!);
    expect((await send(app, batch)).body).toEqual({ accepted: 5, duplicates: 0 });
    expect((await verify(app, day)).differences).toEqual([]);
  });

  it('reports a counter changed behind its back', async () => {
    const key = `${app.prefix}i:queue:ovf-other:${day}`;
    const [field] = (await app.redis.hkeys(key)).filter((f) => f.endsWith(':offered'));
    await app.redis.hincrby(key, field!, 5);
    const report = await verify(app, day);
    expect(report.ok).toBe(false);
    expect(report.differences).toEqual([{ scope: 'queue:ovf-other', key: `i:queue:ovf-other:${day}`, field, stored: '6', expected: '1' }]);
    await app.redis.hincrby(key, field!, -5);
    expect((await verify(app, day)).ok).toBe(true);
  });
});

/** Runs `npm run verify`'s script against the test server; resolves with its exit code and output. */
function runVerifyCli(target: TestApp, day: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/verify.ts', '--day', day], {
      env: { ...process.env, URL: target.url, WALLBOARD_API_TOKEN: target.apiToken },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('npm run verify', () => {
  it('exits 0 when the counters agree, and 1 naming the difference when they do not', async () => {
    const day = '2026-03-10';
    expect(await runVerifyCli(app, day)).toMatchObject({ code: 0, out: expect.stringMatching(/no difference/) });
    const key = `${app.prefix}i:queue:neg-q:${day}`;
    const [field] = (await app.redis.hkeys(key)).filter((f) => f.endsWith(':offered'));
    await app.redis.hincrby(key, field!, 2);
    const tampered = await runVerifyCli(app, day);
    expect(tampered.code).toBe(1);
    expect(tampered.out).toContain(`queue:neg-q  i:queue:neg-q:${day}  ${field}: stored 3, expected 1`);
    await app.redis.hincrby(key, field!, -2);
  });
});

describe('an id is accepted once, whichever call it names', () => {
  it('counts a reused id as a duplicate, and forgets ids of calls whose events expired', async () => {
    const first = { id: 'once-only', type: 'call.offered', ts: s(9500), callId: 'once-1', queue: 'once' };
    expect((await send(app, [first])).body).toEqual({ accepted: 1, duplicates: 0 });
    expect((await send(app, [{ ...first, callId: 'once-2' }])).body).toEqual({ accepted: 0, duplicates: 1 });
    expect(await app.redis.hget(`${app.prefix}ids`, 'once-only')).toBe('call:once-1');
    // The call's events expire with the retention: its ids leave the index on the next clean-up pass.
    await app.redis.del(`${app.prefix}ev:call:once-1`, `${app.prefix}m:call:once-1`);
    let dropped = 0;
    do dropped += await app.application.ingest.pruneIdIndex();
    while ((await app.redis.hexists(`${app.prefix}ids`, 'once-only')) === 1 && dropped < 100_000);
    expect(await app.redis.hexists(`${app.prefix}ids`, 'once-only')).toBe(0);
    // Ids of calls still kept stay.
    expect(await app.redis.hexists(`${app.prefix}ids`, (await app.redis.hkeys(`${app.prefix}ev:call:neg-1`))[0]!)).toBe(1);
  });
});

describe('agent state history is bounded', () => {
  it('keeps the latest states only, and an old resend changes nothing', async () => {
    const states = Array.from({ length: 60 }, (_, i) => ev('agent.state', s(9000 + i), { agent: 'busy-bee', state: i % 2 ? 'break' : 'available' }));
    expect((await send(app, states)).body).toEqual({ accepted: 60, duplicates: 0 });
    expect(await app.redis.hlen(`${app.prefix}ev:agent:busy-bee`)).toBeLessThanOrEqual(20);
    expect((await metrics(app, 'agent:busy-bee')).roster[0]).toMatchObject({ state: 'break', since: new Date(s(9059)).toISOString() });
    expect((await send(app, [states[0]!])).body).toEqual({ accepted: 0, duplicates: 1 });
    expect((await metrics(app, 'agent:busy-bee')).roster[0]).toMatchObject({ state: 'break' });
  });
});

describe('live state heals', () => {
  // A fixed morning, so the four hours the test moves on stay within one day whenever it runs.
  let clock = Date.parse('2026-03-10T08:00:00Z');
  let healing: TestApp;
  beforeAll(async () => {
    healing = await startApp(inject('redisUrl'), { liveCallTimeoutMinutes: 240, clock: () => clock });
  });
  afterAll(() => healing.close());

  it('takes a call with no event for the timeout out of the live figures, and counts a later event', async () => {
    const start = clock - 60_000;
    await send(healing, [
      ev('call.offered', start, { callId: 'lost-1', queue: 'heal' }),
      ev('call.offered', start + 1000, { callId: 'lost-2', queue: 'heal' }),
      ev('call.answered', start + 2000, { callId: 'lost-2', agent: 'heal-agent' }),
      ev('agent.state', start - 1000, { agent: 'heal-agent', state: 'available' }),
    ]);
    const before = await metrics(healing, 'queue:heal');
    expect(before).toMatchObject({ waiting: 1, longestWaitSince: new Date(start).toISOString() });
    expect((await metrics(healing, 'agent:heal-agent')).agents).toMatchObject({ onCall: 1 });

    // Not yet: 239 minutes of silence.
    clock += 239 * 60_000;
    await healing.application.sweepLiveCalls();
    expect(await metrics(healing, 'queue:heal')).toMatchObject({ waiting: 1 });

    const socket = healing.socket(healing.apiToken);
    await new Promise((resolve) => socket.emit('subscribe', { scope: 'queue:heal' }, resolve));
    const healed = nextEvent<Metrics>(socket, 'metrics', (m) => m.scope === 'queue:heal' && m.waiting === 0);
    clock += 2 * 60_000;
    await healing.application.sweepLiveCalls();
    expect(await healed).toMatchObject({ waiting: 0, longestWaitSince: null, offered: 2, answered: 1 });
    expect((await metrics(healing, 'agent:heal-agent')).agents).toMatchObject({ onCall: 0, available: 1 });
    const day = (await metrics(healing, 'queue:heal')).day;
    const report = await verify(healing, day);
    expect(report.differences).toEqual([]);
    expect(report.expiredCalls.map((c) => c.callId).sort()).toEqual(['lost-1', 'lost-2']);

    // The abandon finally arrives: it counts, and the call stays out of the live figures.
    await send(healing, [ev('call.abandoned', start + 30_000, { callId: 'lost-1' })]);
    expect(await metrics(healing, 'queue:heal')).toMatchObject({ waiting: 0, abandoned: 1 });
    expect((await verify(healing, day)).differences).toEqual([]);
    socket.disconnect();
  });
});
