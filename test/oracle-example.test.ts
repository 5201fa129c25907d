// The reference model (support/oracle.ts) holds itself to the sample day of ../shared/samples before it judges the server.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeFigures, dayFigures, type OracleEvent } from './support/oracle.ts';

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
