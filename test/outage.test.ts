// Failure shapes: Redis going away and coming back, the server restarting, and quiet data sources.
import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import type { Metrics } from '../shared/figures.ts';
import type { Banner } from '../shared/socket.ts';
import { nextEvent, startApp, type TestApp } from './support/app.ts';
import { ev, metrics, send } from './support/events.ts';
import { startTestRedis, type TestRedis } from './support/redis.ts';

describe('Redis down and back', () => {
  let redis: TestRedis;
  let app: TestApp;
  beforeAll(async () => {
    redis = await startTestRedis();
    app = await startApp(redis.url);
  });
  afterAll(async () => {
    await app.close();
    await redis.stop();
  });

  it('answers 503, serves the last figures marked stale, raises the banner, and loses nothing', async () => {
    const now = Date.now();
    expect((await send(app, [ev('call.offered', now - 5000, { callId: 'out-1', queue: 'outage' })])).status).toBe(202);
    const socket = app.socket(app.apiToken);
    await new Promise((resolve) => socket.emit('subscribe', { scope: 'queue:outage' }, resolve));
    const before = await app.request('GET', '/api/v1/metrics?scope=queue:outage', { token: app.apiToken });
    expect(before.body).toMatchObject({ offered: 1, stale: false });

    const downBanner = nextEvent<Banner[]>(socket, 'banners', (list) => list.some((b) => b.source === 'auto' && /unreachable/.test(b.message)));
    await redis.halt();
    await downBanner;
    expect(await app.request('GET', '/healthz')).toMatchObject({ status: 503, body: { ok: false, redis: 'down' } });
    const rejected = await send(app, [ev('call.offered', now - 4000, { callId: 'out-2', queue: 'outage' })]);
    expect(rejected.status).toBe(503);
    const stale = await app.request('GET', '/api/v1/metrics?scope=queue:outage', { token: app.apiToken });
    expect(stale.body).toMatchObject({ offered: 1, stale: true });
    const banners = await app.request('GET', '/api/v1/banners', { token: app.apiToken });
    expect(banners.body.some((b: Banner) => b.source === 'auto')).toBe(true);

    const fresh = nextEvent<Metrics>(socket, 'metrics', (m) => m.scope === 'queue:outage' && !m.stale);
    const upBanner = nextEvent<Banner[]>(socket, 'banners', (list) => !list.some((b) => b.source === 'auto'));
    await redis.resume();
    await upBanner;
    expect((await fresh).offered).toBe(1);
    expect(await app.request('GET', '/healthz')).toMatchObject({ status: 200, body: { redis: 'up' } });
    // The sender retries the refused batch: accepted now, and the first event survived the restart.
    expect((await send(app, [ev('call.offered', now - 4000, { callId: 'out-2', queue: 'outage' })])).status).toBe(202);
    const after = await app.request('GET', '/api/v1/metrics?scope=queue:outage', { token: app.apiToken });
    expect(after.body).toMatchObject({ offered: 2, waiting: 2, stale: false });
  });

  it('keeps every accepted event when redis-server crashes right after the 202', async () => {
    const now = Date.now();
    const batch = Array.from({ length: 200 }, (_, i) => ev('call.offered', now - 1000 - i, { callId: `crash-${i}`, queue: 'crash' }));
    const socket = app.socket(app.apiToken);
    await nextEvent(socket, 'banners');
    expect((await send(app, batch)).body).toEqual({ accepted: 200, duplicates: 0 });
    const down = nextEvent<Banner[]>(socket, 'banners', (list) => list.some((b) => b.source === 'auto'));
    await redis.crash();
    await down;
    const back = nextEvent<Banner[]>(socket, 'banners', (list) => !list.some((b) => b.source === 'auto'));
    await redis.resume();
    await back;
    const after = await app.request('GET', '/api/v1/metrics?scope=queue:crash', { token: app.apiToken });
    expect(after.body).toMatchObject({ offered: 200, waiting: 200, stale: false });
    const audit = await app.request('GET', `/api/v1/ops/verify?day=${after.body.day}`, { token: app.apiToken });
    expect(audit.body).toMatchObject({ ok: true, differences: [] });
  });

  it('keeps every figure across a server restart', async () => {
    const before = await app.request('GET', '/api/v1/metrics?scope=queue:outage', { token: app.apiToken });
    await app.close();
    app = await startApp(redis.url, { prefix: app.prefix });
    const after = await app.request('GET', '/api/v1/metrics?scope=queue:outage', { token: app.apiToken });
    expect({ ...after.body, asOf: 0 }).toEqual({ ...before.body, asOf: 0 });
  });
});

describe('Redis paused (SIGSTOP): its connections open, nothing answered', () => {
  let redis: TestRedis;
  let app: TestApp;
  const storeDown = (list: Banner[]) => list.some((b) => b.source === 'auto' && /unreachable/.test(b.message));
  const health = async () => {
    const { status, body } = await app.request('GET', '/healthz');
    return { status, body };
  };
  beforeAll(async () => {
    redis = await startTestRedis();
    // A short command timeout and a frequent health check keep the waits short.
    app = await startApp(redis.url, { redisTimeoutMs: 2000, watchEveryMs: 200 });
  });
  afterAll(async () => {
    redis?.thaw();
    await app?.close();
    await redis?.stop();
  });

  it('answers 503 for a batch sent meanwhile and stores none of it, even once Redis goes on: the resend is new', async () => {
    const now = Date.now();
    expect((await send(app, [ev('call.offered', now - 5000, { callId: 'held-1', queue: 'held' })])).status).toBe(202);
    const batch = [ev('call.offered', now - 4000, { callId: 'held-2', queue: 'held' }), ev('call.offered', now - 3000, { callId: 'held-3', queue: 'held' })];
    redis.freeze();
    onTestFinished(() => redis.thaw());
    const refused = await send(app, batch);
    expect(refused.status).toBe(503);
    expect(refused.body.message).toMatch(/nothing was stored: send it again/);
    // The batch's script is still queued on the connection: it runs now, and must find itself too late.
    redis.thaw();
    await expect.poll(health, { timeout: 10_000 }).toMatchObject({ status: 200 });
    expect(await metrics(app, 'queue:held')).toMatchObject({ offered: 1, stale: false });
    expect((await send(app, batch)).body).toEqual({ accepted: 2, duplicates: 0 });
    expect(await metrics(app, 'queue:held')).toMatchObject({ offered: 3 });
  });

  it('says so on /healthz, the banner and the figures (stale) within seconds, and that it is back once it answers', async () => {
    expect((await send(app, [ev('call.offered', Date.now() - 1000, { callId: 'seen-1', queue: 'seen' })])).status).toBe(202);
    const socket = app.socket(app.apiToken);
    const first = nextEvent<Metrics>(socket, 'metrics', (m) => m.scope === 'queue:seen');
    await new Promise((resolve) => socket.emit('subscribe', { scope: 'queue:seen' }, resolve));
    expect(await first).toMatchObject({ offered: 1, stale: false });
    const down = nextEvent<Banner[]>(socket, 'banners', storeDown);
    const stale = nextEvent<Metrics>(socket, 'metrics', (m) => m.scope === 'queue:seen' && m.stale === true);
    redis.freeze();
    onTestFinished(() => redis.thaw());
    await expect.poll(health, { timeout: 5000 }).toMatchObject({ status: 503, body: { ok: false, redis: 'down' } });
    await down;
    expect(await stale).toMatchObject({ offered: 1 });

    const up = nextEvent<Banner[]>(socket, 'banners', (list) => !storeDown(list));
    const fresh = nextEvent<Metrics>(socket, 'metrics', (m) => m.scope === 'queue:seen' && !m.stale);
    redis.thaw();
    await expect.poll(health, { timeout: 5000 }).toMatchObject({ status: 200, body: { ok: true, redis: 'up' } });
    await up;
    expect(await fresh).toMatchObject({ offered: 1 });
  });
});

describe('a quiet source', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(inject('redisUrl'), { settings: { delayedAfterSeconds: 1 }, watchEveryMs: 200 });
  });
  afterAll(() => app.close());

  it('raises "live data delayed" when no event arrives for the configured time, and clears it on the next', async () => {
    const socket = app.socket(app.apiToken);
    const before = Date.now();
    await send(app, [ev('agent.state', Date.now(), { agent: 'quiet', state: 'available' })]);
    const after = Date.now();
    const delayed = await nextEvent<Banner[]>(socket, 'banners', (l) => l.some((b) => b.source === 'auto' && /delayed/i.test(b.message)));
    const banner = delayed.find((b) => /delayed/i.test(b.message));
    expect(banner?.severity).toBe('warning');
    // The screens read the data's age off `since`: when the last event arrived.
    expect(Date.parse(banner?.since ?? '')).toBeGreaterThanOrEqual(before);
    expect(Date.parse(banner?.since ?? '')).toBeLessThanOrEqual(after);
    const cleared = nextEvent<Banner[]>(socket, 'banners', (l) => !l.some((b) => /delayed/i.test(b.message)));
    await send(app, [ev('agent.state', Date.now(), { agent: 'quiet', state: 'break' })]);
    await cleared;
  });
});

describe('a commands connection busy with a long command', () => {
  it('keeps /healthz up: the probe has its own connection, and Redis answers it', async () => {
    const app = await startApp(inject('redisUrl'), { watchEveryMs: 200 });
    onTestFinished(() => app.close());
    // The app's commands connection waits 3.5 s on this (the probe would wait behind it past its 2 s); Redis does not.
    let released = false;
    const held = app.redis.blpop(`${app.prefix}hold`, 3.5).finally(() => (released = true));
    const seen: number[] = [];
    while (!released) {
      seen.push((await app.request('GET', '/healthz')).status);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await held;
    expect(seen.length).toBeGreaterThan(10);
    expect(seen.filter((status) => status !== 200)).toEqual([]);
  });
});
