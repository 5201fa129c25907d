// A status said without colour: the shape, the word or signed distance, and the spoken sentence, at and around
// every threshold, for higher-is-better and lower-is-better figures; and when figures may be called "live".
import { describe, expect, it } from 'vitest';
import { rag } from '../shared/figures.ts';
import { DEFAULT_QUEUE_THRESHOLDS as Q, DEFAULT_TARGETS as T } from '../shared/targets.ts';
import { ageText, delayedSince, freshness, statusOf, STATUS_SHAPES } from '../shared/status.ts';

const EPS = 1e-9;

describe('statusOf, higher is better (service level, target 80%, near within 5 points)', () => {
  const sl = (value: number | null) => statusOf({ value, target: Q.serviceLevelTarget, unit: 'ratio' });

  it('is met at the target and just above it', () => {
    for (const v of [0.8, 0.8 + EPS, 0.81, 1]) expect(sl(v)).toMatchObject({ status: 'met', shape: '●', text: 'met', spoken: 'target met' });
  });

  it('is near just below the target and down to the edge of the band', () => {
    expect(sl(0.8 - EPS)).toMatchObject({ status: 'near', shape: '▲', text: 'near', delta: -0 });
    expect(sl(0.78)).toMatchObject({ status: 'near', text: 'near', spoken: 'near target, 2 points under', delta: -2 });
    expect(sl(0.75)).toMatchObject({ status: 'near', spoken: 'near target, 5 points under', delta: -5 });
  });

  it('is missed just past the band, with the signed distance in points', () => {
    expect(sl(0.75 - 0.001)).toMatchObject({ status: 'missed', shape: '▼', text: '−5.1 pts', spoken: 'target missed, 5.1 points under', delta: -5.1 });
    expect(sl(0.45)).toMatchObject({ status: 'missed', shape: '▼', text: '−35 pts', spoken: 'target missed, 35 points under', delta: -35 });
    expect(sl(0)).toMatchObject({ status: 'missed', text: '−80 pts' });
  });

  it('says nothing of a figure that does not exist yet', () => {
    for (const v of [null, undefined, NaN]) expect(statusOf({ value: v, target: 0.8, unit: 'ratio' })).toMatchObject({ status: 'none', shape: '', text: '' });
  });

  it('agrees with the colour class the screens already use', () => {
    for (let v = 0; v <= 1; v += 0.0125) expect(sl(v).rag).toBe(rag(v, 0.8));
  });
});

describe('statusOf, lower is better', () => {
  it('AHT (target 5:00, near up to 6:00): seconds over', () => {
    const aht = (ms: number) => statusOf({ value: ms, target: T.ahtSeconds * 1000, unit: 'ms', lowerIsBetter: true });
    expect(aht(299_000)).toMatchObject({ status: 'met', text: 'met' });
    expect(aht(300_000)).toMatchObject({ status: 'met', text: 'met' });
    expect(aht(300_001)).toMatchObject({ status: 'near', text: 'near' });
    expect(aht(342_000)).toMatchObject({ status: 'near', spoken: 'near target, 42 seconds over', delta: 42 });
    expect(aht(360_000)).toMatchObject({ status: 'near' });
    expect(aht(360_001)).toMatchObject({ status: 'missed', shape: '▼', text: '+60 s', spoken: 'target missed, 60 seconds over' });
    expect(aht(421_400)).toMatchObject({ status: 'missed', text: '+121 s', delta: 121 });
  });

  it('ASA (target 30 s, near up to 36 s)', () => {
    const asa = (ms: number) => statusOf({ value: ms, target: T.asaSeconds * 1000, unit: 'ms', lowerIsBetter: true });
    expect(asa(0)).toMatchObject({ status: 'met' });
    expect(asa(29_999)).toMatchObject({ status: 'met' });
    expect(asa(30_000)).toMatchObject({ status: 'met' });
    expect(asa(30_001)).toMatchObject({ status: 'near' });
    expect(asa(36_000)).toMatchObject({ status: 'near', spoken: 'near target, 6 seconds over' });
    expect(asa(36_001)).toMatchObject({ status: 'missed', text: '+6 s' });
    expect(asa(31_000 + 30_000)).toMatchObject({ status: 'missed', text: '+31 s', spoken: 'target missed, 31 seconds over' });
  });

  it('abandonment (target 5%, near up to 6%): points, one decimal below ten', () => {
    const ab = (v: number) => statusOf({ value: v, target: Q.abandonRateTarget, unit: 'ratio', lowerIsBetter: true });
    expect(ab(0.05 - EPS)).toMatchObject({ status: 'met' });
    expect(ab(0.05)).toMatchObject({ status: 'met' });
    expect(ab(0.05 + EPS)).toMatchObject({ status: 'near' });
    expect(ab(0.06 - EPS)).toMatchObject({ status: 'near', spoken: 'near target, 1 point over' });
    expect(ab(0.06 + 0.001)).toMatchObject({ status: 'missed', text: '+1.1 pts', spoken: 'target missed, 1.1 points over' });
    expect(ab(0.2)).toMatchObject({ status: 'missed', text: '+15 pts' });
  });

  it('takes a status worked out by the caller (the longest wait) and only words it', () => {
    const wait = statusOf({ value: 95_000, target: 30_000, unit: 'ms', lowerIsBetter: true, rag: 'red' });
    expect(wait).toMatchObject({ status: 'missed', text: '+65 s' });
    expect(statusOf({ value: 20_000, target: 30_000, unit: 'ms', rag: 'amber' })).toMatchObject({ status: 'near', text: 'near' });
  });

  it('gives every status a shape and a text of its own', () => {
    const views = [0.9, 0.78, 0.5].map((v) => statusOf({ value: v, target: 0.8, unit: 'ratio' }));
    expect(new Set(views.map((v) => v.shape)).size).toBe(3);
    expect(new Set(views.map((v) => v.text)).size).toBe(3);
    expect(new Set(Object.values(STATUS_SHAPES)).size).toBe(4);
  });
});

describe('freshness', () => {
  const now = 1_700_000_000_000;

  it('is live only when connected, not stale and not delayed', () => {
    expect(freshness({ connected: true, stale: false, asOf: now - 90_000, lastDataAt: now - 1000, now })).toEqual({
      live: true,
      why: 'live',
      ageMs: null,
      label: 'live',
    });
  });

  it('gives stale figures their age from asOf', () => {
    expect(freshness({ connected: true, stale: true, asOf: now - 42_000, now })).toMatchObject({
      live: false,
      why: 'stale',
      ageMs: 42_000,
      label: 'stale · as of 0:42 ago',
    });
  });

  it('gives a lost connection the age of the last figures received', () => {
    expect(freshness({ connected: false, asOf: now - 99_000, lastDataAt: now - 65_000, now })).toMatchObject({
      live: false,
      why: 'offline',
      label: 'offline · as of 1:05 ago',
    });
    expect(freshness({ connected: false, lastDataAt: null, now })).toMatchObject({ live: false, label: 'offline · no data yet' });
  });

  it('calls delayed data delayed, with the time since the last event', () => {
    expect(freshness({ connected: true, asOf: now, delayedSince: now - 125_000, now })).toMatchObject({
      live: false,
      why: 'delayed',
      label: 'delayed · as of 2:05 ago',
    });
  });

  it('is not live before any figures arrived', () => {
    expect(freshness({ connected: true, lastDataAt: null, now })).toMatchObject({ live: false, why: 'waiting', label: 'no data yet' });
  });

  it('reads when the last event came off the "live data delayed" banner’s since, never its words', () => {
    const at = new Date(now - 130_000).toISOString();
    const banner = { id: 'auto:data-delayed', message: 'Live data delayed', since: at, createdAt: new Date(now - 10_000).toISOString() };
    expect(delayedSince([banner])).toBe(now - 130_000);
    // Without since (an older server), the banner's own time; a message naming another time changes nothing.
    const { since: _omitted, ...older } = banner;
    const fromAnOlderServer = [{ ...older, message: `no event received since ${new Date(now - 999_000).toISOString()}` }];
    expect(delayedSince(fromAnOlderServer)).toBe(now - 10_000);
    expect(delayedSince([{ ...banner, id: 'manual-1' }])).toBeNull();
  });

  it('writes ages as m:ss and h:mm:ss', () => {
    expect(ageText(42_400)).toBe('0:42');
    expect(ageText(3_725_000)).toBe('1:02:05');
    expect(ageText(-5)).toBe('0:00');
  });
});
