// Differential property: random in-contract days (transfers, holds, wrap-ups, surveys, evaluations, agents' states, calls
// still waiting or on a call, a clock change and two midnights) sent shuffled, duplicated and in random batches give, for
// every scope, day and interval and for the live figures, exactly what the independent reference model (support/oracle.ts)
// computes from the contract.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, inject, it } from 'vitest';
import { startApp, type TestApp } from './support/app.ts';
import { computeFigures, type OracleEvent, type OracleFigures } from './support/oracle.ts';
import { instantOf } from './support/oracle-story.ts';
import { differences, figureDifferences, storyOf } from './support/oracle-compare.ts';
import { reportRows, type ReportPeriod } from './support/oracle-reports.ts';
import { agentStatesArb, callEvents, callPlanArb, looseEvaluationsArb, type World } from './support/stories.ts';

/** Days with a clock change, and the zone that has it. */
const PLACES = [
  { tz: 'America/New_York', day: '2026-11-01' },
  { tz: 'America/New_York', day: '2026-03-08' },
  { tz: 'Europe/London', day: '2026-03-29' },
  { tz: 'Europe/London', day: '2026-10-25' },
];
/** Ids the contract calls ordinary, odd ones included: `:` `*` `{` `}`, prototype names, non-ASCII, 128 characters. */
const LONG_ID = `${'x'.repeat(120)}-long-id`;
const QUEUES = ['sales', 'support', 'constructor', 'q:{vip}*'];
const AGENTS = ['a1', 'a2', 'a3', 'a4', '__proto__', 'Zoë {5}:*', LONG_ID];
const TEAMS = new Map([
  ['red', ['a1', 'a2', LONG_ID]],
  ['toString', ['a2', 'a3', '__proto__', 'Zoë {5}:*']],
]);
const FORMER_TEAMS = new Map([
  ['red', ['a3', 'a4']],
  ['toString', ['a1']],
]);
/** The server's default WALLBOARD_LIVE_CALL_TIMEOUT_MINUTES. */
const LIVE_CALL_TIMEOUT_MS = 240 * 60_000;
/** Thresholds of the queues that do not take the defaults (sales does). */
const THRESHOLDS = new Map([
  ['support', { serviceLevelMs: 20_000, shortAbandonMs: 10_000 }],
  ['constructor', { serviceLevelMs: 45_000, shortAbandonMs: 3_000 }],
  ['q:{vip}*', { serviceLevelMs: 12_500, shortAbandonMs: 2_500 }],
]);
const WORLD: World = {
  queues: QUEUES,
  agents: AGENTS,
  edgeWaitsMs: [2_499, 2_500, 2_999, 3_000, 4_999, 5_000, 9_999, 10_000, 12_500, 12_501, 20_000, 20_001, 30_000, 30_001, 45_000, 45_001],
};
const SCOPES = ['all', ...QUEUES.map((q) => `queue:${q}`), ...[...TEAMS.keys()].map((t) => `team:${t}`), ...AGENTS.map((a) => `agent:${a}`)];

/** The local start of the day, the instant of its clock change, and the start of the next day. */
function anchorsOf(tz: string, day: string): number[] {
  const start = DateTime.fromISO(day, { zone: tz });
  let change = start;
  while (change.plus({ minutes: 15 }).offset === start.offset) change = change.plus({ minutes: 15 });
  return [start.toMillis(), change.plus({ minutes: 15 }).toMillis(), start.plus({ days: 1 }).toMillis()];
}

const scenarioArb = fc.constantFrom(...PLACES).chain((place) => {
  const anchors = anchorsOf(place.tz, place.day);
  return fc.record({
    place: fc.constant(place),
    anchors: fc.constant(anchors),
    calls: fc.array(callPlanArb(WORLD, anchors.length), { minLength: 1, maxLength: Number(process.env.ORACLE_CALLS ?? 16) }),
    states: agentStatesArb(WORLD, anchors),
    looseEvaluations: looseEvaluationsArb(WORLD, anchors),
    /** When the teams are made, as a share of the batches sent (a team's figures are its agents' whenever it is made). */
    teamsAt: fc.integer({ min: 0, max: 100 }),
    teamsBefore: fc.boolean(),
    twoInstances: fc.boolean(),
    earlier: fc.oneof(
      { arbitrary: fc.constant(null), weight: 2 },
      fc.record({ agoMs: fc.integer({ min: 241 * 60_000, max: 420 * 60_000 }), sweep: fc.boolean() }),
    ),
    /** Sometimes the server restarts (on the same store) at this share of the batches. */
    restartAt: fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, fc.integer({ min: 0, max: 100 })),
    /** Read this long after "now" (the sweep run first): 0 mostly; else well inside or well past the timeout. */
    readLaterMs: fc.oneof(
      { arbitrary: fc.constant(0), weight: 4 },
      fc.integer({ min: 1, max: 230 * 60_000 }),
      fc.integer({ min: 250 * 60_000, max: 600 * 60_000 }),
    ),
    /** "now", after the last anchor: calls that start later are cut there, some waiting, on a call or in wrap-up. */
    nowAfterMs: fc.integer({ min: -30 * 60_000, max: 150 * 60_000 }),
    /** Sometimes the sources' clocks run ahead of the server's: events up to 10 minutes past "now" (the contract allows 15). */
    aheadMs: fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, fc.integer({ min: 1, max: 10 * 60_000 })),
    mess: fc.record({
      seed: fc.integer({ min: 1, max: 2 ** 30 }),
      duplicates: fc.integer({ min: 0, max: 4 }),
      maxBatch: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 40 }), weight: 4 }, fc.constant(10_000)),
      parallel: fc.integer({ min: 1, max: 4 }),
    }),
  });
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never;

/** The events sent, sorted by ts, and "now". */
function eventsOf(s: Scenario): { events: OracleEvent[]; now: number } {
  const now = s.anchors.at(-1)! + s.nowAfterMs;
  const where = { anchors: s.anchors, now, tz: s.place.tz, agents: AGENTS };
  const all = [...s.calls.flatMap((plan, n) => callEvents(plan, n % 3 === 2 ? `c{${n}}:*` : `c${n}`, where)), ...s.states, ...s.looseEvaluations];
  const events = all
    .filter((e) => e.ms <= now + s.aheadMs)
    .sort((a, b) => a.ms - b.ms)
    .map(({ ms: _ms, ...e }) => e as OracleEvent);
  return { events, now };
}

/** A seeded shuffle with some events twice, cut into batches. */
function messOf(events: OracleEvent[], mess: Scenario['mess']): OracleEvent[][] {
  // mulberry32: an LCG in doubles loses its low bits past 2^53 (and then picks even numbers nine times in ten).
  let state = mess.seed;
  const next = (below: number) => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % below;
  };
  const sends = [...events, ...events.filter(() => next(10) < mess.duplicates)];
  for (let i = sends.length - 1; i > 0; i--) {
    const j = next(i + 1);
    [sends[i], sends[j]] = [sends[j]!, sends[i]!];
  }
  const batches: OracleEvent[][] = [];
  for (let at = 0; at < sends.length;) {
    const size = 1 + next(mess.maxBatch);
    batches.push(sends.slice(at, at + size));
    at += size;
  }
  return batches;
}

async function serverDifferences(app: TestApp, model: OracleFigures, days: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const scope of SCOPES) {
    for (const day of days) {
      const res = await app.request('GET', `/api/v1/metrics?scope=${encodeURIComponent(scope)}&day=${day}`, { token: app.apiToken });
      if (res.status !== 200 || res.body.scope !== scope || res.body.day !== day)
        out.push(`${scope} ${day}: ${res.status} ${res.body?.scope} ${res.body?.day}`);
      else out.push(...differences(scope, day, res.body, model));
    }
  }
  return out;
}

/** Reports by interval, day, week and month over the days asked: each row the model's sum of those days. */
async function reportDifferences(app: TestApp, model: OracleFigures, days: string[]): Promise<string[]> {
  const out: string[] = [];
  const [from, to] = [days[0]!, days.at(-1)!];
  for (const scope of SCOPES) {
    for (const by of ['interval', 'day', 'week', 'month'] as ReportPeriod[]) {
      const res = await app.request('GET', `/api/v1/reports?scope=${encodeURIComponent(scope)}&from=${from}&to=${to}&by=${by}`, { token: app.apiToken });
      if (res.status !== 200) {
        out.push(`report ${scope} ${by}: ${res.status}`);
        continue;
      }
      const got = res.body.rows as Record<string, any>[];
      const want = reportRows(model, scope, from, to, by);
      if (got.map((r) => Date.parse(r.start)).join() !== want.map((r) => r.startMs).join()) {
        out.push(
          `report ${scope} ${by} rows: server ${got.map((r) => r.start).join(' ')} oracle ${want.map((r) => new Date(r.startMs).toISOString()).join(' ')}`,
        );
      } else want.forEach((w, n) => out.push(...figureDifferences(`report ${scope} ${by} ${got[n]!.start}`, got[n]!, w)));
    }
  }
  return out;
}

/** Without `day`, the answer is today's in the center's zone. */
async function todayDifferences(app: TestApp, model: OracleFigures, now: number): Promise<string[]> {
  const today = DateTime.fromMillis(now, { zone: model.tz }).toISODate()!;
  const res = await app.request('GET', '/api/v1/metrics?scope=all', { token: app.apiToken });
  const head = { scope: res.body.scope, day: res.body.day, tz: res.body.tz };
  const wrongHead = JSON.stringify(head) === JSON.stringify({ scope: 'all', day: today, tz: model.tz }) ? [] : [`all today: ${JSON.stringify(head)}`];
  return [...wrongHead, ...differences('all', today, res.body, model)];
}

/** Puts the teams; `first`, before the final ones, with other agents (a team's figures follow who is in it now). */
async function putTeams(app: TestApp, teams: ReadonlyMap<string, readonly string[]> = TEAMS): Promise<void> {
  for (const [id, agents] of teams) {
    const res = await app.request('PUT', `/api/v1/teams/${encodeURIComponent(id)}`, { token: app.apiToken, body: { name: id, agents } });
    expect(res.status).toBe(200);
  }
}

/** The batches, `parallel` at a time (senders racing each other), with the teams put when the scenario says. */
interface Servers {
  /** One instance, or two on one store taking turns with the batches; the first answers the reads. */
  apps: TestApp[];
  restart(): Promise<void>;
}

/** `phase`: before the batch at `index` (no wave spans it), `enter` runs. */
async function sendAll(server: Servers, batches: OracleEvent[][], s: Scenario, phase?: { index: number; enter(): Promise<void> }): Promise<void> {
  const send = (batch: OracleEvent[], n: number) => {
    const ndjson = n % 2 === 1;
    const app = server.apps[n % server.apps.length]!;
    return app.request('POST', '/api/v1/events', {
      token: app.ingestToken,
      raw: ndjson ? batch.map((e) => JSON.stringify(e)).join('\n') : JSON.stringify(batch),
      contentType: ndjson ? 'application/x-ndjson' : 'application/json',
    });
  };
  const at = (share: number) => Math.floor((share / 100) * batches.length);
  const [teamsAt, restartAt] = [at(s.teamsAt), s.restartAt === null ? -1 : at(s.restartAt)];
  if (s.teamsBefore) await putTeams(server.apps[0]!, FORMER_TEAMS);
  for (let first = 0, end = 0; first < batches.length; first = end) {
    end = Math.min(first + s.mess.parallel, batches.length);
    if (phase && first < phase.index && phase.index < end) end = phase.index;
    if (phase?.index === first) await phase.enter();
    const here = (n: number) => n >= first && n < end;
    if (here(teamsAt)) await putTeams(server.apps.at(-1)!);
    if (here(restartAt)) await server.restart();
    const wave = batches.slice(first, end);
    for (const res of await Promise.all(wave.map((batch, n) => send(batch, first + n)))) expect(res.status, res.text).toBe(202);
  }
  if (teamsAt >= batches.length) await putTeams(server.apps[0]!);
}

async function runScenario(s: Scenario): Promise<void> {
  const { events, now } = eventsOf(s);
  // The settings file's form (its other fields take their defaults).
  const queues = [...THRESHOLDS].map(
    ([id, t]) => ({ id, serviceLevelSeconds: t.serviceLevelMs / 1000, shortAbandonSeconds: t.shortAbandonMs / 1000 }) as never,
  );
  let clock = now;
  const start = (prefix?: string) => startApp(inject('redisUrl'), { tz: s.place.tz, clock: () => clock, settings: { queues }, ...(prefix ? { prefix } : {}) });
  const first = await start();
  // A restart keeps the store (same prefix): nothing the figures need may live only in the server's memory.
  const server: Servers = {
    apps: [first, ...(s.twoInstances ? [await start(first.prefix)] : [])],
    async restart() {
      for (const app of server.apps) await app.close();
      server.apps = await Promise.all(server.apps.map(() => start(first.prefix)));
    },
  };
  try {
    // Sometimes the events up to hours before "now" arrived then (the rest at "now"), and the sweep may run in between.
    const early = s.earlier === null ? [] : events.filter((e) => instantOf(e.ts) <= now - s.earlier!.agoMs);
    const earlyIds = new Set(early.map((e) => e.id));
    const firstBatches = messOf(early, s.mess);
    clock = s.earlier === null ? now : now - s.earlier.agoMs;
    const enter = async () => {
      clock = now;
      if (s.earlier?.sweep) await server.apps[0]!.application.sweepLiveCalls();
    };
    await sendAll(
      server,
      [
        ...firstBatches,
        ...messOf(
          events.filter((e) => !earlyIds.has(e.id)),
          s.mess,
        ),
      ],
      s,
      { index: firstBatches.length, enter },
    );
    if (clock !== now) await enter();
    const app = server.apps[0]!;
    // Sometimes read hours later; the live-call sweep runs first, so a call with no event for the timeout has left.
    clock = now + s.readLaterMs;
    if (s.readLaterMs > 0 || s.earlier !== null) await app.application.sweepLiveCalls();
    const arrivedAt = new Map(events.map((e) => [e.id, earlyIds.has(e.id) ? now - s.earlier!.agoMs : now]));
    const live = { now: clock, liveCallTimeoutMs: LIVE_CALL_TIMEOUT_MS, arrivedAt };
    const model = computeFigures({ events, tz: s.place.tz, ...live, teams: TEAMS, thresholds: THRESHOLDS });
    const near = [-1, 0, 1].map((d) => DateTime.fromISO(s.place.day).plus({ days: d }).toISODate()!);
    const days = [...new Set([...near, ...[...model.days.values()].flatMap((byDay) => [...byDay.keys()])])].sort();
    const found = [
      ...(await serverDifferences(app, model, days)),
      ...(await todayDifferences(app, model, clock)),
      ...(await reportDifferences(app, model, days)),
    ];
    expect(found, `${found.slice(0, 30).join('\n')}\n--- story (${s.place.tz}) ---\n${storyOf(events, s.place.tz)}`).toEqual([]);
  } finally {
    for (const app of server.apps) await app.close();
  }
}

describe('the server against the reference model', () => {
  it('gives every figure of every scope, day and interval, and the live figures, as the contract computes them', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, (s) => runScenario(s)),
      { numRuns: Number(process.env.ORACLE_RUNS ?? 40), seed: Number(process.env.ORACLE_SEED ?? 20261101), endOnFailure: !process.env.ORACLE_SHRINK },
    );
  }, 120_000);
});
