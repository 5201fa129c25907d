// Fault test (npm run test:faults): 500 screens on one server under steady ingest, one of which stops reading (it
// sits behind a TCP link that stops passing on what the server sends, so the server's writes to it fill the kernel's
// buffers and then wait in the server). The 499 others keep getting every push, the server keeps answering, the one
// that does not read is dropped once it holds WALLBOARD_SOCKET_MAX_UNSENT_MB (4 MiB) of unsent figures, and once the
// sender stops every screen shows exactly GET /api/v1/metrics, and `npm run verify` finds no difference.
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { DEFAULT_MAX_UNSENT_BYTES, unsentBytes } from '../../server/socket/backlog.ts';
import { applyDelta } from '../../shared/delta.ts';
import type { Metrics } from '../../shared/figures.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { ev, metrics, send } from '../support/events.ts';
import { breakableLink, type Link } from '../support/links.ts';
import { startTestRedis, type TestRedis } from '../support/redis.ts';
import { steadyIngest } from '../support/steadyIngest.ts';
import { verifyFindsNoDifference } from '../support/verify.ts';

const QUEUE = 'slow-reader';
const SCREENS = 499;
/** A large centre: 5,000 agents in five teams of 1,000 (the most a team holds) that serve the queue; the whole figures
 * of the five (their rosters) are about 400 KB a push. */
const AGENTS = 5000;
const FLOORS = ['team:floor-0', 'team:floor-1', 'team:floor-2', 'team:floor-3', 'team:floor-4'];

/** One healthy screen: its scope, the figures it holds (deltas merged in, as the client does), its pushes. */
interface Screen {
  scope: string;
  socket: Socket;
  figures?: Metrics;
  pushes: number;
  dropped: boolean;
}

/** Resolves when every screen satisfies `test`, checked on each push (resolved at once when they already do). */
function whenEvery(screens: Screen[], waiters: Set<() => void>, test: (s: Screen) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!screens.every(test)) return;
      waiters.delete(check);
      resolve();
    };
    waiters.add(check);
    check();
  });
}

const pct = (list: number[], p: number) => [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor((p / 100) * list.length))] ?? NaN;
const figures = (list: number[]) =>
  `p50 ${pct(list, 50).toFixed(0)} ms, p99 ${pct(list, 99).toFixed(0)} ms, max ${Math.max(...list).toFixed(0)} ms (${list.length})`;

describe('one screen that stops reading among 500', () => {
  let redis: TestRedis;
  let app: TestApp;
  let link: Link;
  beforeAll(async () => {
    redis = await startTestRedis();
    app = await startApp(redis.url, { maxSocketsPerPrincipal: 0, maxSocketsPerToken: 0 });
    link = await breakableLink(Number(new URL(app.url).port));
    for (let i = 0; i < AGENTS; i += 500) {
      const states = Array.from({ length: 500 }, (_, j) => ev('agent.state', Date.now() - 60_000, { agent: `floor-${i + j}`, state: 'available' }));
      expect((await send(app, states)).status).toBe(202);
    }
    for (const [t, scope] of FLOORS.entries()) {
      const team = { name: scope, agents: Array.from({ length: 1000 }, (_, i) => `floor-${t * 1000 + i}`), queues: [QUEUE] };
      expect((await app.request('PUT', `/api/v1/teams/${scope.slice(5)}`, { token: app.apiToken, body: team })).status).toBe(200);
    }
  });
  afterAll(async () => {
    link?.close();
    await app?.close();
    await redis?.stop();
  });

  /** 499 screens, a fiftieth on `all` and the rest on the queue, each asking for deltas as the wall does. */
  async function connectScreens(waiters: Set<() => void>, latency: (s: Screen) => void): Promise<Screen[]> {
    const screens: Screen[] = [];
    const pushed = (screen: Screen) => {
      screen.pushes++;
      latency(screen);
      for (const waiter of [...waiters]) waiter();
    };
    for (let i = 0; i < SCREENS; i += 100) {
      const chunk = Array.from({ length: Math.min(100, SCREENS - i) }, (_, j) => {
        const screen: Screen = { scope: (i + j) % 50 === 0 ? 'all' : `queue:${QUEUE}`, socket: app.socket(app.apiToken), pushes: 0, dropped: false };
        screen.socket.on('metrics', (m: Metrics) => pushed(Object.assign(screen, { figures: m })));
        screen.socket.on('metrics:delta', (d) => pushed(Object.assign(screen, { figures: applyDelta(screen.figures!, d) })));
        screen.socket.on('disconnect', () => (screen.dropped = true));
        screens.push(screen);
        return new Promise((resolve) => screen.socket.emit('subscribe', { scope: screen.scope, delta: true }, resolve));
      });
      expect(await Promise.all(chunk)).toEqual(chunk.map(() => ({ ok: true })));
    }
    return screens;
  }

  /**
   * The screen that stops reading, subscribed to the whole figures of the five teams (no deltas) through the link about to
   * stall; `conn` is its connection on the server, `cut` says when and why the server let it go, and what it held.
   */
  async function slowReader() {
    const connected = new Promise<unknown>((resolve) => app.application.io.on('connection', (s) => s.handshake.query.slow && resolve(s.conn)));
    const slow = io(`http://127.0.0.1:${link.port}`, {
      auth: { token: app.apiToken },
      query: { slow: '1' },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    onTestFinished(() => void slow.disconnect());
    const conn = await connected;
    const cut = new Promise<{ reason: string; unsent: number; at: number }>((resolve) =>
      (conn as { on(e: 'close', l: (reason: string) => void): void }).on('close', (reason) =>
        resolve({ reason, unsent: unsentBytes(conn), at: performance.now() }),
      ),
    );
    for (const scope of FLOORS) expect(await new Promise((resolve) => slow.emit('subscribe', { scope }, resolve))).toEqual({ ok: true });
    return { conn, cut };
  }

  it('the others get every push, the server keeps answering, and the one that does not read is dropped', { timeout: 180_000 }, async () => {
    const waiters = new Set<() => void>();
    // When each count of events got its 202, to time the pushes that show it (printed, not asserted).
    const ackedAt = new Map<number, number>();
    const latencies = { otherwise: [] as number[], stuck: [] as number[] };
    let phase: keyof typeof latencies = 'otherwise';
    const lastShown = new Map<Screen, number>();
    const screens = await connectScreens(waiters, (screen) => {
      const offered = screen.scope === 'all' ? undefined : screen.figures?.offered;
      if (offered === undefined || offered === lastShown.get(screen)) return;
      lastShown.set(screen, offered);
      const at = ackedAt.get(offered);
      if (at !== undefined) latencies[phase].push(performance.now() - at);
    });
    const load = steadyIngest(app, { queue: QUEUE });
    load.onAcknowledged((events) => ackedAt.set(events, performance.now()));
    await load.acknowledgedMore(30);

    const { conn, cut } = await slowReader();
    let held = true;
    void cut.then(() => (held = false));
    link.stall();
    const stalledAt = performance.now();
    phase = 'stuck';

    // Stuck: the kernel's buffers are full and the server holds figures for it.
    await expect.poll(() => unsentBytes(conn), { timeout: 60_000, interval: 50 }).toBeGreaterThan(0);
    const stuckAt = performance.now();
    const before = new Map(screens.map((s) => [s, s.pushes]));
    expect((await app.request('GET', '/api/v1/metrics?scope=all', { token: app.apiToken })).status).toBe(200);
    const answeredIn = performance.now() - stuckAt;
    await whenEvery(screens, waiters, (s) => s.pushes >= before.get(s)! + 2);
    // All of that while the slow one was still held: the server had not let it go yet.
    expect(held).toBe(true);

    const dropped = await cut;
    phase = 'otherwise';
    expect(dropped.reason).toBe('forced close');
    expect(dropped.unsent).toBeLessThanOrEqual(DEFAULT_MAX_UNSENT_BYTES);
    const push = JSON.stringify(await metrics(app, FLOORS[0]!)).length;
    expect(dropped.unsent).toBeGreaterThan(DEFAULT_MAX_UNSENT_BYTES - push - 1024);

    const report = await load.stop();
    expect(report.unexpected).toEqual([]);
    const [queue, all] = [await metrics(app, `queue:${QUEUE}`), await metrics(app, 'all')];
    expect(queue.offered).toBe(report.events);
    await whenEvery(screens, waiters, (s) => s.figures?.offered === (s.scope === 'all' ? all.offered : queue.offered));
    expect(screens.filter((s) => s.dropped)).toEqual([]);
    expect(app.application.io.engine.clientsCount).toBe(SCREENS);
    await verifyFindsNoDifference(app, queue.day);

    console.log(
      `slow reader: stuck ${((stuckAt - stalledAt) / 1000).toFixed(1)} s after its link stalled, dropped ${((dropped.at - stuckAt) / 1000).toFixed(1)} s later`,
    );
    console.log(`  holding ${(dropped.unsent / 1024 / 1024).toFixed(2)} MiB unsent (cap 4 MiB; a push of one team is ${(push / 1024).toFixed(0)} KB)`);
    console.log(`  GET /metrics?scope=all answered in ${answeredIn.toFixed(0)} ms while it was stuck`);
    console.log(`  202 → push at ${SCREENS} screens while one was stuck: ${figures(latencies.stuck)}; otherwise: ${figures(latencies.otherwise)}`);
  });
});
