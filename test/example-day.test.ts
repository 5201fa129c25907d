// The sample day from ../shared/samples: sent late, twice and shuffled, it must read back exactly its figures.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApp, type TestApp } from './support/app.ts';

const lines = readFileSync(new URL('./fixtures/events.ndjson', import.meta.url), 'utf8')
  .trim()
  .split('\n');
const expected = JSON.parse(readFileSync(new URL('./fixtures/expected.json', import.meta.url), 'utf8'));

/** A seeded shuffle so a failure can be reproduced. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function expectFigures(actual: Record<string, unknown>, wanted: Record<string, unknown>, where: string) {
  for (const [name, value] of Object.entries(wanted)) {
    if (name === 'startUtc') continue;
    if (typeof value === 'number' && !Number.isInteger(value)) expect(actual[name], `${where} ${name}`).toBeCloseTo(value, 9);
    else expect(actual[name], `${where} ${name}`).toEqual(value);
  }
}

describe('the example day', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(inject('redisUrl'), { tz: expected.tz });
    // Every line once in a shuffled order, then a shuffled quarter again, in uneven batches of both formats.
    const sends = [...shuffled(lines, 7), ...shuffled(lines, 11).slice(0, lines.length / 4)];
    let batch = 0;
    for (let at = 0; at < sends.length;) {
      const size = [1, 37, 250, 999, 3][batch % 5]!;
      const chunk = sends.slice(at, at + size);
      at += size;
      const ndjson = batch++ % 2 === 0;
      const res = await app.request('POST', '/api/v1/events', {
        token: app.ingestToken,
        raw: ndjson ? chunk.join('\n') : `[${chunk.join(',')}]`,
        contentType: ndjson ? 'application/x-ndjson' : 'application/json',
      });
      expect(res.status).toBe(202);
    }
  });
  afterAll(() => app.close());

  it('reads back every per-day figure of every scope', async () => {
    for (const [scope, days] of Object.entries<Record<string, Record<string, unknown>>>(expected.days)) {
      for (const [day, figures] of Object.entries(days)) {
        const res = await app.request('GET', `/api/v1/metrics?scope=${encodeURIComponent(scope)}&day=${day}`, { token: app.apiToken });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ scope, day, tz: expected.tz });
        expectFigures(res.body, figures, `${scope} ${day}`);
      }
    }
  });

  it('reads back every interval of the day of the clock change, with local offsets', async () => {
    for (const [scope, intervals] of Object.entries<Record<string, unknown>[]>(expected.intervals)) {
      const res = await app.request('GET', `/api/v1/metrics?scope=${encodeURIComponent(scope)}&day=2026-11-01`, { token: app.apiToken });
      const got = res.body.intervals as Record<string, unknown>[];
      expect(got.map((i) => new Date(i.start as string).toISOString())).toEqual(intervals.map((i) => i.startUtc));
      got.forEach((interval, n) => expectFigures(interval, intervals[n]!, `${scope} ${intervals[n]!.startUtc}`));
      // The repeated hour of the fall-back night carries both offsets.
      const starts = got.map((i) => i.start as string);
      expect(starts.some((s) => s.startsWith('2026-11-01T01:15:00.000-04:00'))).toBe(starts.some((s) => s.startsWith('2026-11-01T01:15:00.000-05:00')));
    }
  });

  it('reads back the live figures: waiting, longest wait and agents by state', async () => {
    for (const [scope, live] of Object.entries<{ waiting: number; longestWaitSince: string | null }>(expected.live)) {
      const res = await app.request('GET', `/api/v1/metrics?scope=${encodeURIComponent(scope)}`, { token: app.apiToken });
      expect(res.body.waiting, scope).toBe(live.waiting);
      expect(res.body.longestWaitSince === null ? null : new Date(res.body.longestWaitSince).toISOString(), scope).toBe(live.longestWaitSince);
    }
    const all = await app.request('GET', '/api/v1/metrics?scope=all', { token: app.apiToken });
    expect(all.body.agents).toEqual(expected.agents);
    for (const [agent, state] of Object.entries<string>(expected.agentState)) {
      const res = await app.request('GET', `/api/v1/metrics?scope=agent:${agent}`, { token: app.apiToken });
      expect(
        res.body.roster.map((a: { state: string }) => a.state),
        agent,
      ).toEqual([state]);
      expect(res.body.agents[state], agent).toBe(1);
    }
  });

  it('passes the self-audit: every counter equals a recomputation from the stored events', async () => {
    for (const day of Object.keys(expected.days.all)) {
      const res = await app.request('GET', `/api/v1/ops/verify?day=${day}`, { token: app.apiToken });
      expect(res.body.differences, day).toEqual([]);
      expect(res.body.ok, day).toBe(true);
    }
  });

  it('counts a re-sent day as duplicates and changes nothing', async () => {
    const before = await app.request('GET', '/api/v1/metrics?scope=all&day=2026-11-01', { token: app.apiToken });
    const res = await app.request('POST', '/api/v1/events', { token: app.ingestToken, raw: lines.join('\n'), contentType: 'application/x-ndjson' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 0, duplicates: lines.length });
    const after = await app.request('GET', '/api/v1/metrics?scope=all&day=2026-11-01', { token: app.apiToken });
    expect({ ...after.body, asOf: 0 }).toEqual({ ...before.body, asOf: 0 });
  });
});
