// `subscribe { scope, delta: true }` (README "Live updates", an extension): the whole object first, then
// `metrics:delta` with only what changed; merged, it is the whole object a default subscriber gets from the same push.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyDelta, metricsDelta, type MetricsDelta } from '../shared/delta.ts';
import type { Metrics } from '../shared/figures.ts';
import type { Ack } from '../shared/socket.ts';
import { nextEvent, startApp, type TestApp } from './support/app.ts';
import { ev, send } from './support/events.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startApp(inject('redisUrl'));
});
afterAll(() => app.close());

type TestSocket = ReturnType<TestApp['socket']>;
const subscribe = (socket: TestSocket, scope: string, delta?: boolean) =>
  new Promise<Ack>((resolve) => socket.emit('subscribe', delta === undefined ? { scope } : { scope, delta }, resolve));

/** A delta subscriber's figures for one scope as it merges them, and every delta it was sent. */
function follow(socket: TestSocket, scope: string) {
  const state: { metrics: Metrics | null; deltas: MetricsDelta[]; wholes: number } = { metrics: null, deltas: [], wholes: 0 };
  socket.on('metrics', (m) => {
    if (m.scope !== scope) return;
    state.metrics = m;
    state.wholes++;
  });
  socket.on('metrics:delta', (d) => {
    if (d.scope !== scope) return;
    state.deltas.push(d);
    state.metrics = applyDelta(state.metrics!, d);
  });
  return state;
}

describe('delta subscriptions', () => {
  it('sends the whole object once, then changes that merge into what a default subscriber gets', async () => {
    const now = Date.now();
    // Figures in another 15-minute interval of today (UTC), so there is an interval that must not be sent again: 16
    // minutes back, or just under 15 ahead in the first minutes of the day (the server takes a `ts` up to 15 ahead: the
    // abandon too, so it follows the offer by half a second).
    const other = new Date(now - 16 * 60_000).getUTCDate() === new Date(now).getUTCDate() ? now - 16 * 60_000 : now + 14 * 60_000 + 59_000;
    await send(app, [ev('call.offered', other, { callId: 'd-0', queue: 'dq' }), ev('call.abandoned', other + 500, { callId: 'd-0' })]);
    const whole = app.socket(app.apiToken);
    const delta = app.socket(app.apiToken);
    const merged = follow(delta, 'queue:dq');
    const firstWhole = nextEvent<Metrics>(whole, 'metrics', (m) => m.scope === 'queue:dq');
    const firstDelta = nextEvent<Metrics>(delta, 'metrics', (m) => m.scope === 'queue:dq');
    expect(await subscribe(whole, 'queue:dq')).toEqual({ ok: true });
    expect(await subscribe(delta, 'queue:dq', true)).toEqual({ ok: true });
    await Promise.all([firstWhole, firstDelta]);
    const pushedWhole = nextEvent<Metrics>(whole, 'metrics', (m) => m.scope === 'queue:dq' && m.answered === 1);
    const pushedDelta = nextEvent<MetricsDelta>(delta, 'metrics:delta', (d) => d.changed.answered === 1);
    await send(app, [ev('call.offered', now - 1000, { callId: 'd-1', queue: 'dq' }), ev('call.answered', now - 500, { callId: 'd-1', agent: 'dq-agent' })]);
    const [latest, change] = await Promise.all([pushedWhole, pushedDelta]);
    expect(merged.wholes).toBe(1);
    expect(merged.metrics).toEqual(latest);
    // Only the interval that changed travels; the other one does not.
    expect(latest.intervals).toHaveLength(2);
    expect(change.intervals).toHaveLength(1);
    expect(latest.intervals.find((i) => i.abandoned === 1)).toBeDefined();
    expect(change.intervals[0]!.abandoned).toBe(0);
    expect(change.changed).not.toHaveProperty('abandoned');
  });

  it("sends a team's roster as changes (the agent whose state changed), and `all` only its counts by state", async () => {
    const now = Date.now();
    await send(
      app,
      ['ra', 'rb', 'rc'].map((agent) => ev('agent.state', now - 5000, { agent, state: 'available' })),
    );
    expect((await app.request('PUT', '/api/v1/teams/roster-team', { token: app.apiToken, body: { name: 'R', agents: ['ra', 'rb', 'rc'] } })).status).toBe(200);
    const socket = app.socket(app.apiToken);
    const team = follow(socket, 'team:roster-team');
    const all = follow(socket, 'all');
    const firstTeam = nextEvent<Metrics>(socket, 'metrics', (m) => m.scope === 'team:roster-team');
    const firstAll = nextEvent<Metrics>(socket, 'metrics', (m) => m.scope === 'all');
    expect(await subscribe(socket, 'team:roster-team', true)).toEqual({ ok: true });
    expect(await subscribe(socket, 'all', true)).toEqual({ ok: true });
    const [before, allBefore] = await Promise.all([firstTeam, firstAll]);
    const pushed = nextEvent<MetricsDelta>(
      socket,
      'metrics:delta',
      (d) => d.scope === 'team:roster-team' && (d.roster?.set.some((a) => a.agent === 'rb') ?? false),
    );
    const allPushed = nextEvent<MetricsDelta>(socket, 'metrics:delta', (d) => d.scope === 'all' && d.changed.agents !== undefined);
    await send(app, [ev('agent.state', now - 1000, { agent: 'rb', state: 'break' })]);
    const [change, allChange] = await Promise.all([pushed, allPushed]);
    expect(before.roster).toHaveLength(3);
    expect(change.roster!.set).toEqual([expect.objectContaining({ agent: 'rb', state: 'break' })]);
    expect(team.metrics!.roster!.find((a) => a.agent === 'rb')).toMatchObject({ state: 'break' });
    // `all` carries no roster: its push is the counts by state, whatever the number of agents.
    expect(allBefore.roster).toBeUndefined();
    expect(allChange.roster).toBeUndefined();
    expect(allChange.changed.agents!.break).toBe(allBefore.agents!.break + 1);
    for (const [scope, merged] of [
      ['team:roster-team', team],
      ['all', all],
    ] as const) {
      const read = await app.request('GET', `/api/v1/metrics?scope=${scope}`, { token: app.apiToken });
      expect({ ...merged.metrics!, asOf: 0 }).toEqual({ ...read.body, asOf: 0 });
    }
  });

  it('keeps the default whole-object push for a socket that subscribes again without delta', async () => {
    const socket = app.socket(app.apiToken);
    expect(await subscribe(socket, 'queue:dq2', true)).toEqual({ ok: true });
    expect(await subscribe(socket, 'queue:dq2')).toEqual({ ok: true });
    let deltas = 0;
    socket.on('metrics:delta', () => deltas++);
    const pushed = nextEvent<Metrics>(socket, 'metrics', (m) => m.scope === 'queue:dq2' && m.offered === 1);
    await send(app, [ev('call.offered', Date.now() - 1000, { callId: 'd2-1', queue: 'dq2' })]);
    await pushed;
    expect(deltas).toBe(0);
  });
});

describe('metricsDelta and applyDelta', () => {
  const figure = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constant(null));
  const interval = fc.record({
    start: fc.integer({ min: 0, max: 95 }).map((q) => new Date(Date.UTC(2026, 0, 1) + q * 900_000).toISOString()),
    offered: figure,
  });
  const agent = fc.record({ agent: fc.constantFrom('a', 'b', 'c', 'd'), state: fc.constantFrom('available', 'onCall', 'break'), since: fc.constant(null) });
  const metrics = fc.record(
    {
      scope: fc.constant('all'),
      day: fc.constant('2026-01-01'),
      offered: figure,
      waiting: figure,
      agents: fc.record({ onCall: figure }),
      intervals: fc.uniqueArray(interval, { selector: (i) => i.start }).map((list) => list.sort((x, y) => x.start.localeCompare(y.start))),
      roster: fc.uniqueArray(agent, { selector: (a) => a.agent }).map((list) => list.sort((x, y) => x.agent.localeCompare(y.agent))),
    },
    { requiredKeys: ['scope', 'day', 'intervals'] },
  ) as unknown as fc.Arbitrary<Metrics>;

  it('merging the delta of two figures objects gives the second', () => {
    fc.assert(
      fc.property(metrics, metrics, (a, b) => {
        expect(applyDelta(a, metricsDelta(a, b)!)).toEqual(b);
      }),
    );
  });

  it('sends nothing that did not change', () => {
    fc.assert(
      fc.property(metrics, (a) => {
        const delta = metricsDelta(a, structuredClone(a))!;
        expect(delta.changed).toEqual({});
        expect(delta.intervals).toEqual([]);
        expect(delta.roster?.set ?? []).toEqual([]);
      }),
    );
  });

  it('gives no delta across days: the whole object goes', () => {
    fc.assert(
      fc.property(metrics, (a) => {
        expect(metricsDelta(a, { ...a, day: '2026-01-02' })).toBeNull();
      }),
    );
  });
});
