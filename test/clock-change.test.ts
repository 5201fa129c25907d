// Days of a clock change in America/New_York have 92 or 100 intervals; figures land in local days.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Calendar } from '../server/domain/calendar.ts';
import { startApp, type TestApp } from './support/app.ts';
import { ev, metrics, send } from './support/events.ts';

describe('calendar', () => {
  const ny = new Calendar('America/New_York');
  it('counts 92, 96 and 100 intervals', () => {
    expect(ny.intervalsIn('2026-03-08')).toBe(92);
    expect(ny.intervalsIn('2026-03-09')).toBe(96);
    expect(ny.intervalsIn('2026-11-01')).toBe(100);
  });
  it('puts the two 01:30s of the fall-back night in two intervals of the same day', () => {
    const first = ny.slotOf(Date.parse('2026-11-01T05:30:00Z'));
    const second = ny.slotOf(Date.parse('2026-11-01T06:30:00Z'));
    expect(first.day).toBe('2026-11-01');
    expect(second.day).toBe('2026-11-01');
    expect(second.interval - first.interval).toBe(3600_000);
    expect(ny.format(first.interval)).toBe('2026-11-01T01:30:00.000-04:00');
    expect(ny.format(second.interval)).toBe('2026-11-01T01:30:00.000-05:00');
  });
  it('rejects an unknown zone', () => {
    expect(() => new Calendar('Mars/Olympus')).toThrow(/unknown time zone/);
  });
});

describe('a day of clock change through the API', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(inject('redisUrl'), { tz: 'America/New_York' });
  });
  afterAll(() => app.close());

  it('keeps calls of the repeated hour apart and in the right local day', async () => {
    const at = (iso: string) => Date.parse(iso);
    await send(app, [
      ev('call.offered', at('2026-11-01T05:40:00Z'), { callId: 'dst1', queue: 'dst' }), // 01:40 EDT
      ev('call.offered', at('2026-11-01T06:40:00Z'), { callId: 'dst2', queue: 'dst' }), // 01:40 EST
      ev('call.offered', at('2026-11-01T03:59:00Z'), { callId: 'dst3', queue: 'dst' }), // 23:59 EDT the day before
    ]);
    const day = await metrics(app, 'queue:dst', '2026-11-01');
    expect(day.offered).toBe(2);
    expect(day.intervals.map((i: { start: string }) => i.start)).toEqual(['2026-11-01T01:30:00.000-04:00', '2026-11-01T01:30:00.000-05:00']);
    expect((await metrics(app, 'queue:dst', '2026-10-31')).offered).toBe(1);
  });
});
