// A store written by layout 1 (before 0.9: `all` summed its queues at each read, the agents' counts by state were
// built from the whole roster) moves once to layout 2 at startup, and every figure reads as it did.
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { figureKeys, hashTaggedPrefix } from '../server/redis/keys.ts';
import { FIGURE_SCHEMA } from '../server/redis/figureSchema.ts';
import { scanKeys } from '../server/redis/scan.ts';
import { startApp, type TestApp } from './support/app.ts';
import { ev, metrics, s, send } from './support/events.ts';
import { generatedMonth } from './support/month.ts';
import { verifyFindsNoDifference } from './support/verify.ts';

const DAYS = ['2026-03-10', '2026-03-11'];
const SCOPES = ['all', 'queue:sales', 'queue:support', 'queue:constructor', 'agent:__proto__', 'agent:g1'];

/** Live parts of every kind, hostile names, and an evaluation of a call no queue was offered (counted on `all` alone). */
const live = [
  { id: 'fs-1', ...ev('call.offered', s(0), { callId: 'fs-a', queue: 'constructor' }) },
  { id: 'fs-2', ...ev('call.answered', s(5), { callId: 'fs-a', agent: '__proto__' }) },
  { id: 'fs-3', ...ev('call.offered', s(10), { callId: 'fs-b', queue: 'sales' }) },
  { id: 'fs-4', ...ev('call.answered', s(12), { callId: 'fs-b', agent: 'constructor' }) },
  { id: 'fs-5', ...ev('call.ended', s(70), { callId: 'fs-b' }) },
  { id: 'fs-6', ...ev('agent.state', s(1), { agent: 'toString', state: 'break', reason: 'Lunch' }) },
  { id: 'fs-7', ...ev('agent.state', s(2), { agent: 'g1', state: 'offline' }) },
  { id: 'fs-8', ...ev('qa.evaluation', s(30), { callId: 'fs-none', agent: 'g2', score: 75 }) },
];

/** What every scope reads, without the instant it was read at. */
async function figuresOf(app: TestApp): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const day of DAYS) for (const scope of SCOPES) out.push({ ...(await metrics(app, scope, day)), asOf: undefined });
  return out;
}

/** Rewrites the stored figures as layout 1 kept them: `all` without its queues' counters, no kept counts by state,
 * no agent's own sets of parts. */
async function backToLayoutOne(app: TestApp): Promise<void> {
  const k = (key: string) => app.prefix + key;
  for (const day of DAYS) {
    const all = new Map(Object.entries(await app.redis.hgetall(k(figureKeys.intervals('all', day)))).map(([f, n]) => [f, Number(n)]));
    for (const queue of ['sales', 'support', 'constructor']) {
      for (const [field, n] of Object.entries(await app.redis.hgetall(k(figureKeys.intervals(`queue:${queue}`, day))))) {
        all.set(field, (all.get(field) ?? 0) - Number(n));
      }
    }
    await app.redis.del(k(figureKeys.intervals('all', day)));
    const own = [...all].filter(([, n]) => n !== 0);
    if (own.length > 0) await app.redis.hset(k(figureKeys.intervals('all', day)), Object.fromEntries(own.map(([f, n]) => [f, String(n)])));
  }
  const ownSets: string[] = [];
  for (const pattern of [figureKeys.onCallOf(''), figureKeys.inWrapOf('')])
    for await (const found of scanKeys(app.redis, `${app.prefix}${pattern}*`)) ownSets.push(...found);
  expect(ownSets.length).toBeGreaterThan(0);
  await app.redis.del(...[figureKeys.onCallParts, figureKeys.wrapParts, figureKeys.agentBuckets, figureKeys.agentCounts, 'figures:schema'].map(k), ...ownSets);
}

describe('moving the figure store to layout 2', () => {
  it('rebuilds `all` and the counts by state once, and every scope reads exactly as before', async () => {
    const prefix = hashTaggedPrefix(`fs${randomUUID().slice(0, 6)}`);
    const events = [...generatedMonth({ from: DAYS[0]!, to: DAYS[1]!, tz: 'America/New_York', callsPerDay: 40, seed: 7 }), ...live];
    const first = await startApp(inject('redisUrl'), { prefix, tz: 'America/New_York' });
    let before: unknown[];
    try {
      expect((await send(first, events)).status).toBe(202);
      before = await figuresOf(first);
      expect((await metrics(first, 'all', DAYS[0])).agents).toMatchObject({ onCall: 1, wrap: 1, break: 1, offline: 1 });
      await backToLayoutOne(first);
      // Without the move, `all` reads only what no queue holds: the test would see a difference.
      expect((await metrics(first, 'all', DAYS[0])).offered).toBe(0);
    } finally {
      await first.close();
    }

    const second = await startApp(inject('redisUrl'), { prefix, tz: 'America/New_York' });
    try {
      expect(await second.redis.get(`${prefix}figures:schema`)).toBe(FIGURE_SCHEMA);
      expect(await figuresOf(second)).toEqual(before);
      for (const day of DAYS) await verifyFindsNoDifference(second, day);
      // Layout 2 again: the next event moves the counts as it lands, and a restart moves nothing twice.
      expect((await send(second, [{ id: 'fs-9', ...ev('call.wrapped', s(80), { callId: 'fs-b' }) }])).status).toBe(202);
      expect((await metrics(second, 'all', DAYS[0])).agents).toMatchObject({ onCall: 1, wrap: 0, available: expect.any(Number) });
    } finally {
      await second.close();
    }
    const third = await startApp(inject('redisUrl'), { prefix, tz: 'America/New_York' });
    try {
      await verifyFindsNoDifference(third, DAYS[0]!);
    } finally {
      await third.close();
    }
  });
});
