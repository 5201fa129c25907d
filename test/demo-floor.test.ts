// The demo's simulated floor (scripts/lib/floor): the same seed gives the same day, and a day fed to a real server
// through the public ingest API reads back the figures of a believable centre.
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_TARGETS, QUEUES, TEAMS, demoSettings } from '../scripts/lib/floor/centre.ts';
import { simulateDay, type FloorEvent } from '../scripts/lib/floor/day.ts';
import { createFeed } from '../scripts/lib/floor/feed.ts';
import { settingsSchema } from '../server/settings.ts';
import { startApp, type TestApp } from './support/app.ts';
import { metrics, send } from './support/events.ts';

const tz = 'America/Chicago';
// A fixed day in the past (ingest takes no future), so the test reads the same day every time.
const day = '2026-11-24';
const events = simulateDay({ seed: 'test', day, tz });

async function sendAll(app: TestApp, list: FloorEvent[]): Promise<void> {
  for (let i = 0; i < list.length; i += 5000) {
    const res = await send(app, list.slice(i, i + 5000));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
  }
}

describe('the simulated floor, as a function', () => {
  it('gives the same events, ids included, for the same seed and day, and another day for another seed', () => {
    expect(simulateDay({ seed: 'test', day, tz })).toEqual(events);
    const other = simulateDay({ seed: 'other', day, tz });
    expect(other.length).not.toBe(events.length);
  });

  it('sends agent.state as an ACD would: log-in, breaks and a lunch for every agent, log-out at the end of the shift', () => {
    const byAgent = new Map<string, FloorEvent[]>();
    for (const e of events) if (e.type === 'agent.state') byAgent.set(e.agent as string, [...(byAgent.get(e.agent as string) ?? []), e]);
    expect([...byAgent.keys()].sort()).toEqual(TEAMS.flatMap((t) => t.agents).sort());
    for (const [agent, states] of byAgent) {
      expect(states[0], agent).toMatchObject({ state: 'available', reason: 'login' });
      expect(states.at(-1), agent).toMatchObject({ state: 'offline', reason: 'logout' });
      expect(
        states.filter((s) => s.reason === 'lunch'),
        agent,
      ).toHaveLength(1);
      expect(
        states.filter((s) => s.reason === 'break'),
        agent,
      ).toHaveLength(2);
    }
  });

  it('keeps every call a story told in distinct, increasing instants', () => {
    const last = new Map<string, number>();
    for (const e of events.filter((e) => e.callId)) {
      expect(e.ts).toBeGreaterThan(last.get(e.callId as string) ?? 0);
      last.set(e.callId as string, e.ts);
    }
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });
});

describe('a simulated day read back from a real server', () => {
  let app: TestApp;
  let all: any;
  beforeAll(async () => {
    app = await startApp(inject('redisUrl'), { tz, settings: settingsSchema.parse(demoSettings()) });
    await sendAll(app, events);
    all = await metrics(app, 'all', day);
  }, 120_000);
  afterAll(() => app.close());

  it('has a service level near target that misses it in some interval, and plausible abandonment', async () => {
    expect(all.offered).toBeGreaterThan(1500);
    expect(all.serviceLevel).toBeGreaterThan(0.72);
    expect(all.serviceLevel).toBeLessThan(0.95);
    expect(all.abandonRate).toBeGreaterThan(0.02);
    expect(all.abandonRate).toBeLessThan(0.1);
    expect(all.shortAbandoned).toBeGreaterThan(0);
    const missed = all.intervals.filter((i: any) => i.offered >= 20 && i.serviceLevel !== null && i.serviceLevel < 0.8);
    expect(missed.length).toBeGreaterThan(0);
    for (const queue of QUEUES) expect((await metrics(app, `queue:${queue.id}`, day)).offered, queue.id).toBeGreaterThan(100);
  });

  it('has an AHT of 3 to 7 minutes, transfers, CSAT 80–90% and FCR 70–80%', () => {
    expect(all.ahtMs / 60_000).toBeGreaterThan(3);
    expect(all.ahtMs / 60_000).toBeLessThan(7);
    expect(all.holdMs).toBeGreaterThan(0);
    expect(all.transfers).toBeGreaterThan(20);
    expect(all.csat).toBeGreaterThan(0.8);
    expect(all.csat).toBeLessThan(0.9);
    expect(all.fcr).toBeGreaterThan(0.7);
    expect(all.fcr).toBeLessThan(0.8);
  });

  it('varies by agent, so the coaching rules fire for a few agents, not for most', async () => {
    const rules = demoSettings().rules as { csatBelow: { minSurveys: number }; fcrBelow: { minWrapped: number } };
    const agents = await Promise.all(TEAMS.flatMap((t) => t.agents).map((agent) => metrics(app, `agent:${agent}`, day)));
    const belowCsat = agents.filter((a) => a.surveys >= rules.csatBelow.minSurveys && a.csat < DEMO_TARGETS.csat);
    expect(belowCsat.length).toBeGreaterThan(0);
    expect(belowCsat.length).toBeLessThan(10);
    const belowFcr = agents.filter((a) => a.resolved + a.unresolved >= rules.fcrBelow.minWrapped && a.fcr < DEMO_TARGETS.fcr);
    expect(belowFcr.length).toBeGreaterThan(0);
    expect(belowFcr.length).toBeLessThan(10);
    const minEvaluations = (demoSettings().rules as { qaBelow: { minEvaluations: number } }).qaBelow.minEvaluations;
    const belowQa = agents.filter((a) => a.evaluations >= minEvaluations && a.qaScore < DEMO_TARGETS.qa);
    expect(belowQa.length).toBeGreaterThan(0);
    expect(belowQa.length).toBeLessThan(10);
  });

  it('has QA evaluations of about one call in ten, near the quality target', () => {
    expect(all.evaluations / all.handled).toBeGreaterThan(0.05);
    expect(all.evaluations / all.handled).toBeLessThan(0.15);
    expect(all.qaScore).toBeGreaterThan(0.8);
    expect(all.qaScore).toBeLessThan(0.95);
  });
});

describe('the feed', () => {
  let app: TestApp;
  afterAll(() => app.close());

  it('sends through the ingest API exactly the events due by its clock, then the next ones as time passes', async () => {
    app = await startApp(inject('redisUrl'), { tz, settings: settingsSchema.parse(demoSettings()) });
    let now = DateTime.fromISO(`${day}T13:30`, { zone: tz }).toMillis();
    const feed = createFeed({ url: app.url, token: app.ingestToken, seed: 'test', tz, speed: 1, now: () => now });
    const offeredBy = (at: number) => events.filter((e) => e.type === 'call.offered' && e.ts <= at).length;
    expect(await feed.tick()).toBe(events.filter((e) => e.ts <= now).length);
    expect((await metrics(app, 'all', day)).offered).toBe(offeredBy(now));
    now += 10 * 60_000;
    expect(await feed.tick()).toBe(events.filter((e) => e.ts > now - 10 * 60_000 && e.ts <= now).length);
    expect((await metrics(app, 'all', day)).offered).toBe(offeredBy(now));
  });

  it('replays faster behind the clock with a speed, and never runs ahead of it', () => {
    let now = DateTime.fromISO(`${day}T13:30`, { zone: tz }).toMillis();
    const start = now;
    const feed = createFeed({ url: 'http://127.0.0.1:9', token: 'unused', seed: 'test', tz, speed: 10, replayMinutes: 60, now: () => now });
    expect(feed.simulatedNow()).toBe(start - 3_600_000);
    now += 60_000;
    expect(feed.simulatedNow()).toBe(start - 3_600_000 + 600_000);
    now += 3_600_000;
    expect(feed.simulatedNow()).toBe(now);
  });
});
