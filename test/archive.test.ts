// npm run export / import: a range of days out of one store and into another reads back the same figures and calls.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApp, type TestApp } from './support/app.ts';
import { generatedMonth } from './support/month.ts';

const TZ = 'America/New_York';
const lines = readFileSync(new URL('./fixtures/events.ndjson', import.meta.url), 'utf8')
  .trim()
  .split('\n');
let source: TestApp;
let target: TestApp;
let archive: string;

beforeAll(async () => {
  [source, target] = await Promise.all([startApp(inject('redisUrl'), { tz: TZ }), startApp(inject('redisUrl'), { tz: TZ })]);
  const month = generatedMonth({ from: '2026-03-06', to: '2026-03-10', tz: TZ, callsPerDay: 25, seed: 9 }).map((e) => JSON.stringify(e));
  const all = [...lines, ...month];
  for (let at = 0; at < all.length; at += 2000) {
    const res = await source.request('POST', '/api/v1/events', {
      token: source.ingestToken,
      raw: all.slice(at, at + 2000).join('\n'),
      contentType: 'application/x-ndjson',
    });
    expect(res.status).toBe(202);
  }
  const res = await source.request('GET', '/api/v1/ops/export?from=2026-03-07&to=2026-11-02', { token: source.apiToken });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
  archive = res.text;
}, 60_000);
afterAll(() => Promise.all([source.close(), target.close()]));

const importInto = (app: TestApp, body: string, token = app.apiToken) =>
  app.request('POST', '/api/v1/ops/import', { token, raw: body, contentType: 'application/x-ndjson' });
const read = async (app: TestApp, path: string) => (await app.request('GET', path, { token: app.apiToken })).body;

describe('export and import', () => {
  it('restores the same reports and call log for the range, and leaves out the days outside it', async () => {
    const kinds = new Set(
      archive
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).kind),
    );
    expect([...kinds].sort()).toEqual(['entity', 'export', 'hash', 'member', 'queue', 'rules']);
    const res = await importInto(target, archive);
    expect(res.status, res.text).toBe(200);
    expect(res.body.calls).toBeGreaterThan(0);
    // By day over the whole range; by interval (at most 92 days a report) over the weeks that hold calls.
    const ranges = ['from=2026-03-07&to=2026-11-02&by=day', 'from=2026-03-07&to=2026-03-10&by=interval', 'from=2026-11-01&to=2026-11-02&by=interval'];
    for (const scope of ['all', 'queue:sales', 'queue:billing', 'agent:a01', 'agent:g2']) {
      const rows = new Map<string, number>();
      for (const range of ranges) {
        const path = `/api/v1/reports?scope=${encodeURIComponent(scope)}&${range}`;
        const [a, b] = [await read(source, path), await read(target, path)];
        expect(b, `${scope} ${range}`).toEqual(a);
        const by = range.slice(range.indexOf('by='));
        rows.set(by, (rows.get(by) ?? 0) + b.rows.length);
      }
      expect(rows.get('by=day'), scope).toBeGreaterThan(0);
      expect(rows.get('by=interval'), scope).toBeGreaterThan(0);
    }
    const calls = '/api/v1/calls?from=2026-03-01&to=2026-11-03&limit=1000';
    const [a, b] = [await read(source, calls), await read(target, calls)];
    expect(b.calls.length).toBe(a.calls.filter((c: { startedAt: string }) => c.startedAt.slice(0, 10) >= '2026-03-07').length);
    expect(b.calls).toEqual(a.calls.filter((c: { startedAt: string }) => c.startedAt.slice(0, 10) >= '2026-03-07'));
    expect((await read(target, '/api/v1/metrics?scope=all&day=2026-03-06')).offered).toBe(0);
  });

  it('changes nothing when the same archive is imported again', async () => {
    const before = await read(target, '/api/v1/reports?scope=all&from=2026-03-07&to=2026-11-02&by=day');
    expect((await importInto(target, archive)).body.calls).toBe(0);
    expect(await read(target, '/api/v1/reports?scope=all&from=2026-03-07&to=2026-11-02&by=day')).toEqual(before);
  });

  it('keeps counting the restored calls: a late survey for one of them changes its figures once', async () => {
    const day = '2026-11-01';
    const call = (await read(target, `/api/v1/calls?from=${day}&to=${day}&outcome=answered&limit=1`)).calls[0];
    const before = await read(target, `/api/v1/metrics?scope=all&day=${day}`);
    const survey = { id: 'late-survey', type: 'call.survey', ts: Date.parse('2026-11-01T20:00:00Z'), callId: call.callId, score: 5 };
    expect((await target.request('POST', '/api/v1/events', { token: target.ingestToken, body: [survey] })).status).toBe(202);
    const after = await read(target, `/api/v1/metrics?scope=all&day=${day}`);
    expect(after.surveys).toBe(before.surveys + 1);
    expect(after.offered).toBe(before.offered);
  });

  it('imports an export of version 1 (before figure layout 2, `all` held only what no queue did) into `all` summed again', async () => {
    // The same archive as version 1 wrote it: each day's `all` without its queues' counters.
    const parsed = archive
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const queuesOf = (day: string) => parsed.filter((l) => l.kind === 'hash' && l.key.startsWith('i:queue:') && l.key.endsWith(day));
    const older = parsed.map((l) => {
      if (l.kind === 'export') return { ...l, version: 1 };
      if (l.kind !== 'hash' || !l.key.startsWith('i:all:')) return l;
      const own = new Map(Object.entries<string>(l.fields).map(([f, n]) => [f, Number(n)]));
      for (const q of queuesOf(l.key.slice(-10))) for (const [f, n] of Object.entries<string>(q.fields)) own.set(f, own.get(f)! - Number(n));
      return { ...l, fields: Object.fromEntries([...own].filter(([, n]) => n !== 0).map(([f, n]) => [f, String(n)])) };
    });
    expect(older.filter((l) => l.kind === 'hash' && l.key.startsWith('i:all:')).length).toBeGreaterThan(3);
    const fresh = await startApp(inject('redisUrl'), { tz: TZ });
    try {
      const res = await importInto(fresh, older.map((l) => JSON.stringify(l)).join('\n'));
      expect(res.status, res.text).toBe(200);
      const path = '/api/v1/reports?scope=all&from=2026-03-07&to=2026-11-02&by=interval';
      expect(await read(fresh, path)).toEqual(await read(source, path));
    } finally {
      await fresh.close();
    }
  });

  it('refuses a bad line naming it, a wrong type, and callers that are not operators', async () => {
    const bad = await importInto(target, `${archive.split('\n')[0]}\n{"kind":"hash","key":"live:seen","fields":{}}\n`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^line 2:/);
    expect((await target.request('POST', '/api/v1/ops/import', { token: target.apiToken, body: [] })).status).toBe(415);
    const lead = (await target.request('POST', '/api/v1/tokens', { token: target.apiToken, body: { role: 'lead', subject: 'x', name: 'lead' } })).body.token;
    expect((await target.request('GET', '/api/v1/ops/export?from=2026-03-07&to=2026-03-08', { token: lead })).status).toBe(403);
    expect((await importInto(target, archive, lead)).status).toBe(403);
    expect((await target.request('GET', '/api/v1/ops/export?from=2026-03-07', { token: target.apiToken })).body.message).toMatch(/^to:/);
  });
});
