// The call log (CONTRACT v2 "The past"): the example day's records sum to its figures; paging, filters, CSV.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CallRecord } from '../shared/calls.ts';
import { startApp, type TestApp } from './support/app.ts';
import { figuresOfCalls } from './support/callModel.ts';

const lines = readFileSync(new URL('./fixtures/events.ndjson', import.meta.url), 'utf8')
  .trim()
  .split('\n');
const expected = JSON.parse(readFileSync(new URL('./fixtures/expected.json', import.meta.url), 'utf8'));
const COUNTED = ['offered', 'answered', 'answeredInSL', 'abandoned', 'shortAbandoned', 'timedOut', 'handled', 'talkMs', 'holdMs', 'wrapMs', 'transfers'];
const MORE = ['surveys', 'satisfied', 'resolved', 'unresolved'];

let app: TestApp;
beforeAll(async () => {
  app = await startApp(inject('redisUrl'), { tz: expected.tz });
  // In reverse order, so every call's story is told backwards (the record must not depend on arrival).
  const reversed = [...lines].reverse();
  for (let at = 0; at < reversed.length; at += 997) {
    const res = await app.request('POST', '/api/v1/events', {
      token: app.ingestToken,
      raw: reversed.slice(at, at + 997).join('\n'),
      contentType: 'application/x-ndjson',
    });
    expect(res.status).toBe(202);
  }
});
afterAll(() => app.close());

async function allCalls(query: string, limit = 1000, token = app.apiToken): Promise<CallRecord[]> {
  const calls: CallRecord[] = [];
  let cursor: string | undefined;
  do {
    const res = await app.request('GET', `/api/v1/calls?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
    expect(res.status, res.text).toBe(200);
    calls.push(...res.body.calls);
    cursor = res.body.next;
  } while (cursor);
  return calls;
}

describe('the call log of the example day', () => {
  it('has one record per call, newest first, and its records sum to every figure of every scope and day', async () => {
    const calls = await allCalls('from=2026-10-30&to=2026-11-03', 97);
    const callIds = new Set(lines.map((l) => JSON.parse(l)).flatMap((e) => (e.callId ? [e.callId] : [])));
    expect(calls.map((c) => c.callId).sort()).toEqual([...callIds].sort());
    const starts = calls.map((c) => Date.parse(c.startedAt));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    const model = figuresOfCalls(calls, expected.thresholds);
    for (const [scope, days] of Object.entries<Record<string, Record<string, number>>>(expected.days)) {
      for (const [day, figures] of Object.entries(days)) {
        const got = model.get(scope)?.get(day) ?? {};
        for (const name of [...COUNTED, ...MORE]) expect(got[name] ?? 0, `${scope} ${day} ${name}`).toBe(figures[name]);
        const answered = got.answered ?? 0;
        if (answered > 0) expect((got.answerWaitMs ?? 0) / answered, `${scope} ${day} asaMs`).toBeCloseTo(figures.asaMs as number, 6);
      }
    }
  });

  it('places a call by its first offer in the centre zone: a from/to of days and of instants agree', async () => {
    const byDay = await allCalls('from=2026-11-01&to=2026-11-01');
    const byInstant = await allCalls(`from=${encodeURIComponent('2026-11-01T00:00:00-04:00')}&to=${encodeURIComponent('2026-11-02T00:00:00-05:00')}`);
    expect(byInstant.map((c) => c.callId)).toEqual(byDay.map((c) => c.callId));
    for (const call of byDay) expect(call.startedAt.slice(0, 10)).toBe('2026-11-01');
    // The day of the clock change lasts 25 hours: both 01:30s are in it.
    expect(byDay.some((c) => c.startedAt.includes('-04:00')) && byDay.some((c) => c.startedAt.includes('-05:00'))).toBe(true);
  });

  it('filters by queue, agent, outcome and caller, each a subset of the whole', async () => {
    const all = await allCalls('from=2026-10-30&to=2026-11-03');
    const sales = await allCalls('from=2026-10-30&to=2026-11-03&queue=sales');
    expect(sales.map((c) => c.callId)).toEqual(all.filter((c) => c.segments.some((s) => s.queue === 'sales')).map((c) => c.callId));
    const a01 = await allCalls('from=2026-10-30&to=2026-11-03&agent=a01');
    expect(a01.length).toBeGreaterThan(0);
    expect(a01.map((c) => c.callId)).toEqual(all.filter((c) => c.parts.some((p) => p.agent === 'a01')).map((c) => c.callId));
    const abandoned = await allCalls('from=2026-10-30&to=2026-11-03&outcome=abandoned');
    expect(abandoned.map((c) => c.callId)).toEqual(all.filter((c) => c.segments.some((s) => s.outcome === 'abandoned')).map((c) => c.callId));
    const withCaller = all.find((c) => c.caller !== null);
    if (withCaller) {
      const same = await allCalls(`from=2026-10-30&to=2026-11-03&caller=${encodeURIComponent(withCaller.caller!)}`);
      expect(same.map((c) => c.callId)).toEqual(all.filter((c) => c.caller === withCaller.caller).map((c) => c.callId));
    }
  });

  it('gives a CSV with one row per segment, UTF-8 without a BOM (the header as written), every cell quoted', async () => {
    const all = await allCalls('from=2026-11-01&to=2026-11-01');
    const res = await app.request('GET', '/api/v1/calls?from=2026-11-01&to=2026-11-01', { token: app.apiToken, accept: 'text/csv' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    const bytes = new Uint8Array(
      await (
        await fetch(`${app.url}/api/v1/calls?from=2026-11-01&to=2026-11-01`, { headers: { authorization: `Bearer ${app.apiToken}`, accept: 'text/csv' } })
      ).arrayBuffer(),
    );
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.slice(0, 8))).toBe('"callId"');
    const rows = res.text.trimEnd().split('\r\n');
    expect(rows[0]).toMatch(/^"callId","caller","callType","startedAt","segment","queue","offeredAt","outcome","waitMs"/);
    expect(rows.length - 1).toBe(all.reduce((n, c) => n + Math.max(1, c.segments.length), 0));
    for (const row of rows) expect(row).toMatch(/^"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*$/);
  });
});
