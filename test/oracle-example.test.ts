// The reference model (support/oracle.ts) holds itself to the sample day of ../shared/samples before it judges the server;
// then the server, sent that day, must give the model's figures for what expected.json leaves out (agents' intervals, teams).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApp, type TestApp } from './support/app.ts';
import { computeFigures, dayFigures, type OracleEvent } from './support/oracle.ts';
import { differences } from './support/oracle-compare.ts';

const events = readFileSync(new URL('./fixtures/events.ndjson', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as OracleEvent);
const expected = JSON.parse(readFileSync(new URL('./fixtures/expected.json', import.meta.url), 'utf8'));

function expectFigures(actual: object, wanted: Record<string, unknown>, where: string) {
  const got = new Map(Object.entries(actual));
  for (const [name, value] of Object.entries(wanted)) {
    if (name === 'startUtc') continue;
    if (typeof value === 'number' && !Number.isInteger(value)) expect(got.get(name), `${where} ${name}`).toBeCloseTo(value, 9);
    else expect(got.get(name), `${where} ${name}`).toEqual(value);
  }
}

describe('the reference model on the example day', () => {
  const now = Math.max(...events.map((e) => (typeof e.ts === 'number' ? e.ts : Date.parse(e.ts)))) + 60_000;
  const figures = computeFigures({ events, tz: expected.tz, now });

  it('gives every per-day figure of every scope', () => {
    for (const [scope, days] of Object.entries<Record<string, Record<string, unknown>>>(expected.days)) {
      expect([...(figures.days.get(scope)?.keys() ?? [])].sort(), scope).toEqual(Object.keys(days).sort());
      for (const [day, wanted] of Object.entries(days)) expectFigures(dayFigures(figures, scope, day), wanted, `${scope} ${day}`);
    }
  });

  it('gives every interval of the day of the clock change', () => {
    for (const [scope, intervals] of Object.entries<Record<string, unknown>[]>(expected.intervals)) {
      const got = dayFigures(figures, scope, '2026-11-01').intervals;
      expect(got.map((i) => new Date(i.startMs).toISOString())).toEqual(intervals.map((i) => i.startUtc));
      got.forEach((interval, n) => expectFigures(interval, intervals[n]!, `${scope} ${intervals[n]!.startUtc}`));
    }
  });

  it('gives the live figures', () => {
    for (const [scope, live] of Object.entries<{ waiting: number; longestWaitSince: string | null }>(expected.live)) {
      const got = figures.live.get(scope)!;
      expect(got.waiting, scope).toBe(live.waiting);
      expect(got.longestWaitSince === null ? null : new Date(got.longestWaitSince).toISOString(), scope).toBe(live.longestWaitSince);
    }
    expect(figures.live.get('all')!.agents).toEqual(expected.agents);
    for (const [agent, state] of Object.entries<string>(expected.agentState)) {
      expect(
        Object.entries(figures.live.get(`agent:${agent}`)!.agents).filter(([, n]) => n > 0),
        agent,
      ).toEqual([[state, 1]]);
    }
  });
});

describe('the server against the reference model on the example day', () => {
  const teams = new Map([
    ['early', ['a01', 'a02', 'a03', 'a04', 'a05', 'a06']],
    ['late', ['a05', 'a06', 'a07', 'a08', 'a09', 'a10', 'a11', 'a12']],
  ]);
  const agents = [...new Set(events.flatMap((e) => (e.agent === undefined ? [] : [e.agent])))];
  const queues = [...new Set(events.flatMap((e) => (e.queue === undefined ? [] : [e.queue])))];
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(inject('redisUrl'), { tz: expected.tz });
    for (const [id, members] of teams) {
      const res = await app.request('PUT', `/api/v1/teams/${id}`, { token: app.apiToken, body: { name: id, agents: members } });
      expect(res.status).toBe(200);
    }
    for (let at = 0; at < events.length; at += 500) {
      expect((await app.request('POST', '/api/v1/events', { token: app.ingestToken, body: events.slice(at, at + 500) })).status).toBe(202);
    }
  });
  afterAll(() => app.close());

  it('gives every figure, interval and live figure of every queue, team and agent on each day', async () => {
    // The server's clock is today's: every call arrived just now, so none has timed out of the live figures.
    const model = computeFigures({ events, tz: expected.tz, now: Date.now(), teams });
    const scopes = ['all', ...queues.map((q) => `queue:${q}`), ...[...teams.keys()].map((t) => `team:${t}`), ...agents.map((a) => `agent:${a}`)];
    const found: string[] = [];
    for (const scope of scopes) {
      for (const day of ['2026-10-31', '2026-11-01', '2026-11-02']) {
        const res = await app.request('GET', `/api/v1/metrics?scope=${encodeURIComponent(scope)}&day=${day}`, { token: app.apiToken });
        found.push(...differences(scope, day, res.body, model));
      }
    }
    expect(found).toEqual([]);
  });
});
