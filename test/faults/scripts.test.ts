// Fault test (npm run test:faults): Redis forgets its scripts (SCRIPT FLUSH, as after a restart without its
// append-only file, or a failover to a node that never ran them) under steady ingest. Every batch still gets its
// answer, none is lost, and `npm run verify` finds the figures equal to the events that got 202.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../support/app.ts';
import { metrics } from '../support/events.ts';
import { startTestRedis, type TestRedis } from '../support/redis.ts';
import { steadyIngest } from '../support/steadyIngest.ts';
import { verifyFindsNoDifference } from '../support/verify.ts';

describe('SCRIPT FLUSH under steady ingest', () => {
  let redis: TestRedis;
  let app: TestApp;
  let admin: Redis;
  beforeAll(async () => {
    redis = await startTestRedis();
    app = await startApp(redis.url);
    admin = new Redis(redis.url);
  });
  afterAll(async () => {
    admin?.disconnect();
    await app?.close();
    await redis?.stop();
  });

  it('loads the scripts again by itself: no batch refused or lost, nothing counted twice', async () => {
    const queue = 'script-flush';
    const load = steadyIngest(app, { queue });
    await load.acknowledgedMore(10);
    for (let i = 0; i < 3; i++) {
      expect(await admin.script('FLUSH')).toBe('OK');
      await load.acknowledgedMore(5);
    }
    const report = await load.stop();
    expect(report.unexpected).toEqual([]);
    expect(report.refused).toBe(0);
    expect(report.acknowledged).toBeGreaterThanOrEqual(25);
    const after = await metrics(app, `queue:${queue}`);
    expect(after).toMatchObject({ offered: report.events, stale: false });
    await verifyFindsNoDifference(app, after.day);
  });
});
