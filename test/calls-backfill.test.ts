// Calls stored before the call log existed get their records once, from their stored events, without disturbing ingest.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApp, type TestApp } from './support/app.ts';

const lines = readFileSync(new URL('./fixtures/events.ndjson', import.meta.url), 'utf8')
  .trim()
  .split('\n');
const expected = JSON.parse(readFileSync(new URL('./fixtures/expected.json', import.meta.url), 'utf8'));
const RANGE = 'from=2026-10-30&to=2026-11-03&limit=1000';

let app: TestApp;
beforeAll(async () => {
  app = await startApp(inject('redisUrl'), { tz: expected.tz });
  // Most of the day first; the rest arrives while the backfill runs.
  const res = await app.request('POST', '/api/v1/events', {
    token: app.ingestToken,
    raw: lines.slice(0, 3500).join('\n'),
    contentType: 'application/x-ndjson',
  });
  expect(res.status).toBe(202);
});
afterAll(() => app.close());

async function calls(): Promise<unknown[]> {
  const out: unknown[] = [];
  let cursor = '';
  do {
    const res = await app.request('GET', `/api/v1/calls?${RANGE}${cursor ? `&cursor=${cursor}` : ''}`, { token: app.apiToken });
    out.push(...res.body.calls);
    cursor = res.body.next ?? '';
  } while (cursor);
  return out;
}

async function dropCallLog(): Promise<number> {
  const keys = await app.redis.keys(`${app.prefix.replace(/[{}*?[\]]/g, (c) => `\\${c}`)}i:calls:*`);
  return keys.length > 0 ? app.redis.del(...keys) : 0;
}

describe('the call log backfill', () => {
  it('rebuilds every record from the stored events, also while events arrive, and runs once', async () => {
    const before = await calls();
    expect(before.length).toBeGreaterThan(100);
    expect(await dropCallLog()).toBeGreaterThan(0);
    expect(await calls()).toEqual([]);

    const rest = app.request('POST', '/api/v1/events', { token: app.ingestToken, raw: lines.slice(3500).join('\n'), contentType: 'application/x-ndjson' });
    const [written, sent] = await Promise.all([app.application.ingest.backfillCallLog({ once: true }), rest]);
    expect(sent.status).toBe(202);
    expect(written).toBeGreaterThan(0);

    const all = (await calls()) as { callId: string }[];
    const callIds = new Set(lines.map((l) => JSON.parse(l)).flatMap((e) => (e.callId ? [e.callId] : [])));
    expect(all.map((c) => c.callId).sort()).toEqual([...callIds].sort());
    for (const day of Object.keys(expected.days.all)) {
      const audit = await app.request('GET', `/api/v1/ops/verify?day=${day}`, { token: app.apiToken });
      expect(audit.body.differences, day).toEqual([]);
    }
    // Once done, the start-up run does nothing.
    expect(await app.application.ingest.backfillCallLog({ once: true })).toBe(0);
  });
});
