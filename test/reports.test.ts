// Reports (CONTRACT v2 "The past"): every row equals GET /api/v1/metrics for the same days summed, on the example day
// and on a generated month with a clock change; weeks are ISO weeks and months calendar months in the centre's zone.
import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CallRecord } from '../shared/calls.ts';
import { COUNTERS, emptyCounters, withRatios, type Counters } from '../shared/figures.ts';
import { startApp, type TestApp } from './support/app.ts';
import { figuresOfCalls } from './support/callModel.ts';
import { generatedMonth } from './support/month.ts';

const TZ = 'America/New_York';
const lines = readFileSync(new URL('./fixtures/events.ndjson', import.meta.url), 'utf8')
  .trim()
  .split('\n');
const expected = JSON.parse(readFileSync(new URL('./fixtures/expected.json', import.meta.url), 'utf8'));

let app: TestApp;
beforeAll(async () => {
  app = await startApp(inject('redisUrl'), { tz: TZ });
  await app.request('PUT', '/api/v1/teams/early', { token: app.apiToken, body: { name: 'Early', agents: ['a01', 'a02', 'g1', 'g2'] } });
  const month = generatedMonth({ from: '2026-02-23', to: '2026-04-05', tz: TZ, callsPerDay: 30, seed: 5 });
  // A QA tool's evaluation of a call no queue was offered (all's own counters) and one of a queued call: `all`
  // counts both, as /metrics does.
  const evaluations = [
    { id: 'rq-e1', type: 'qa.evaluation', ts: '2026-06-15T14:00:00Z', callId: 'rq-no-queue', agent: 'g1', score: 70 },
    { id: 'rq-o1', type: 'call.offered', ts: '2026-06-15T13:00:00Z', callId: 'rq-queued', queue: 'sales' },
    { id: 'rq-e2', type: 'qa.evaluation', ts: '2026-06-16T14:00:00Z', callId: 'rq-queued', agent: 'g1', score: 95 },
  ];
  const all = [...lines, ...month.map((e) => JSON.stringify(e)), ...evaluations.map((e) => JSON.stringify(e))];
  for (let at = 0; at < all.length; at += 2000) {
    const res = await app.request('POST', '/api/v1/events', {
      token: app.ingestToken,
      raw: all.slice(at, at + 2000).join('\n'),
      contentType: 'application/x-ndjson',
    });
    expect(res.status, res.text).toBe(202);
  }
}, 120_000);
afterAll(() => app.close());

const get = (path: string, token = app.apiToken, accept?: string) => app.request('GET', path, { token, ...(accept ? { accept } : {}) });

function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = DateTime.fromISO(from); d.toISODate()! <= to; d = d.plus({ days: 1 })) out.push(d.toISODate()!);
  return out;
}

/** Each day's metrics of a scope, read through the figures' own route. */
async function metricsOfDays(scope: string, days: string[]) {
  return Promise.all(days.map(async (day) => (await get(`/api/v1/metrics?scope=${encodeURIComponent(scope)}&day=${day}`)).body));
}

const hasAny = (c: Counters) => COUNTERS.some((n) => c[n] !== 0);

function expectRow(row: Record<string, unknown>, want: Record<string, unknown>, where: string) {
  for (const [name, value] of Object.entries(want)) {
    if (typeof value === 'number' && !Number.isInteger(value)) expect(row[name], `${where} ${name}`).toBeCloseTo(value, 9);
    else expect(row[name], `${where} ${name}`).toEqual(value);
  }
}

/** Sums days of metrics into periods keyed by the period's first local day. */
function summed(metrics: { day: string }[], periodStart: (day: string) => string) {
  const periods = new Map<string, Counters>();
  for (const m of metrics) {
    const key = periodStart(m.day);
    const sum = periods.get(key) ?? emptyCounters();
    for (const n of COUNTERS) sum[n] += (m as unknown as Counters)[n];
    periods.set(key, sum);
  }
  return [...periods].filter(([, c]) => hasAny(c)).map(([start, c]) => ({ start, ...withRatios(c) }));
}

const SCOPES = ['all', 'queue:sales', 'queue:billing', 'agent:a01', 'agent:g1', 'team:early'];
const weekOf = (day: string) => DateTime.fromISO(day).startOf('week').toISODate()!;
const monthOf = (day: string) => DateTime.fromISO(day).startOf('month').toISODate()!;

describe('reports equal the metrics of the same days, summed', () => {
  for (const scope of SCOPES) {
    it(`${scope}: by day, ISO week and month over a range with both clock changes' neighbours`, async () => {
      const [from, to] = ['2026-02-20', '2026-11-03'];
      const days = daysOf(from, to);
      const metrics = await metricsOfDays(scope, days);
      for (const [by, start] of [
        ['day', (d: string) => d],
        ['week', weekOf],
        ['month', monthOf],
      ] as const) {
        const res = await get(`/api/v1/reports?scope=${encodeURIComponent(scope)}&from=${from}&to=${to}&by=${by}`);
        expect(res.status, res.text).toBe(200);
        expect(res.body).toMatchObject({ scope, tz: TZ, by });
        const want = summed(metrics, start);
        expect(res.body.rows.length, `${scope} ${by}`).toBe(want.length);
        expect(want.length).toBeGreaterThan(0);
        res.body.rows.forEach((row: Record<string, unknown>, i: number) => {
          // A period starts at local midnight of its first day, with that instant's offset.
          expect(row.start, `${scope} ${by}`).toBe(DateTime.fromISO(want[i]!.start, { zone: TZ }).toISO());
          expectRow(row, { ...want[i]!, start: row.start }, `${scope} ${by} ${want[i]!.start}`);
        });
      }
    });
  }

  it('by interval: every interval of every day, the 92 of the spring-forward day and both 01:30s of the fall-back night included', async () => {
    const days = daysOf('2026-03-07', '2026-03-09');
    const metrics = await metricsOfDays('all', [...days, '2026-10-31', '2026-11-01', '2026-11-02']);
    const spring = await get('/api/v1/reports?scope=all&from=2026-03-07&to=2026-03-09&by=interval');
    expect(spring.body.rows).toEqual(metrics.slice(0, 3).flatMap((m) => m.intervals));
    const march8 = spring.body.rows.map((r: { start: string }) => r.start).filter((start: string) => start.startsWith('2026-03-08'));
    expect(march8.length).toBeGreaterThan(0);
    for (const start of march8) expect(start.endsWith(Number(start.slice(11, 13)) < 2 ? '-05:00' : '-04:00'), start).toBe(true);
    expect(march8.some((start: string) => start.startsWith('2026-03-08T02:'))).toBe(false);
    const fall = await get('/api/v1/reports?scope=all&from=2026-10-31&to=2026-11-02&by=interval');
    expect(fall.body.rows).toEqual(metrics.slice(3).flatMap((m) => m.intervals));
    expect(fall.body.rows.length).toBe(expected.intervals.all.length + metrics[3].intervals.length + metrics[5].intervals.length);
  });
});

describe('the call log of a generated month with a clock change', () => {
  it('sums to the figures of every day, for every queue and agent', async () => {
    const calls: CallRecord[] = [];
    let cursor = '';
    do {
      const res = await get(`/api/v1/calls?from=2026-02-23&to=2026-04-05&limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
      calls.push(...res.body.calls);
      cursor = res.body.next ?? '';
    } while (cursor);
    expect(calls.length).toBe(42 * 30);
    const model = figuresOfCalls(calls);
    const days = daysOf('2026-02-23', '2026-04-05');
    for (const scope of ['all', 'queue:sales', 'queue:support', 'agent:g1', 'agent:g4']) {
      const metrics = await metricsOfDays(scope, days);
      for (const m of metrics) {
        const got = model.get(scope)?.get(m.day) ?? {};
        for (const name of COUNTERS) expect(got[name] ?? 0, `${scope} ${m.day} ${name}`).toBe(m[name]);
      }
    }
  });
});

describe('the reports CSV', () => {
  it('has the JSON rows: UTF-8 without a BOM (the header as written), every cell quoted, ratios as plain numbers', async () => {
    const json = await get('/api/v1/reports?scope=all&from=2026-03-01&to=2026-03-31&by=week');
    const res = await get('/api/v1/reports?scope=all&from=2026-03-01&to=2026-03-31&by=week', app.apiToken, 'text/csv');
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    // fetch's text() would drop a BOM: read the bytes.
    const raw = await fetch(`${app.url}/api/v1/reports?scope=all&from=2026-03-01&to=2026-03-31&by=week`, {
      headers: { authorization: `Bearer ${app.apiToken}`, accept: 'text/csv' },
    });
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(new Uint8Array(await raw.arrayBuffer()).slice(0, 7))).toBe('"start"');
    const rows = res.text
      .trimEnd()
      .split('\r\n')
      .map((line) => line.slice(1, -1).split('","'));
    const header = rows[0]!;
    expect(header.slice(0, 3)).toEqual(['start', 'offered', 'answered']);
    expect(rows.length - 1).toBe(json.body.rows.length);
    json.body.rows.forEach((row: Record<string, number | string | null>, i: number) => {
      header.forEach((column, c) => {
        const value = row[column];
        expect(rows[i + 1]![c], column).toBe(value === null ? '' : String(value));
      });
    });
  });
});

describe('report parameters and roles', () => {
  const cases: [string, RegExp][] = [
    ['scope=queue', /^scope:/],
    ['from=2026-02-30', /^from:/],
    ['to=03/01/2026', /^to:/],
    ['from=2026-03-02&to=2026-03-01', /^to:/],
    ['from=2020-01-01&to=2026-01-01', /^to:/],
    ['by=year', /^by:/],
    ['by=', /^by:/],
  ];
  for (const [query, message] of cases) {
    it(`answers 400 naming the field for ${query}`, async () => {
      const res = await get(`/api/v1/reports?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(message);
    });
  }

  it('lets each role read the scopes it reads on /metrics, and no other', async () => {
    const make = async (role: string, subject?: string) =>
      (await app.request('POST', '/api/v1/tokens', { token: app.apiToken, body: { role, name: role, ...(subject ? { subject } : {}) } })).body.token as string;
    const t = { lead: await make('lead', 'early'), agent: await make('agent', 'a01'), display: await make('display') };
    const table: [string, string, number][] = [
      [t.lead, 'team:early', 200],
      [t.lead, 'agent:g2', 200],
      [t.lead, 'agent:a05', 403],
      [t.lead, 'all', 403],
      [t.agent, 'agent:a01', 200],
      [t.agent, 'agent:a02', 403],
      [t.agent, 'team:early', 403],
      [t.display, 'all', 200],
      [t.display, 'queue:__proto__', 200],
      [t.display, 'agent:a01', 403],
      [app.ingestToken, 'all', 403],
    ];
    for (const [token, scope, status] of table) expect((await get(`/api/v1/reports?scope=${encodeURIComponent(scope)}`, token)).status, scope).toBe(status);
    expect((await app.request('GET', '/api/v1/reports?scope=all')).status).toBe(401);
    expect((await get('/api/v1/reports?scope=team:nobody')).status).toBe(404);
  });

  it('reads ids that are data: a queue named constructor', async () => {
    const res = await get('/api/v1/reports?scope=queue:constructor&from=2026-03-01&to=2026-03-31&by=month');
    expect(res.status).toBe(200);
    expect(res.body.rows).toEqual([]);
  });
});
