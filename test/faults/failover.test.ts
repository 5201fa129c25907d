// Fault tests (npm run test:faults): Redis fails over under steady ingest. Ingest answers 503 meanwhile (never a
// stall), screens keep the last figures marked stale under the banner, everything resumes by itself, and
// `npm run verify` then finds the figures equal to the events that got 202, each counted once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Banner } from '../../shared/socket.ts';
import { nextEvent, startApp, type TestApp } from '../support/app.ts';
import { metrics } from '../support/events.ts';
import { steadyIngest } from '../support/steadyIngest.ts';
import { verifyFindsNoDifference } from '../support/verify.ts';
import { startClusterSetup, startSentinelSetup, type ClusterSetup, type SentinelSetup } from '../support/topologies.ts';

/** The longest a request may take while Redis fails over: the ingest deadline (6 s) and a margin. */
const STALL_LIMIT_MS = 7500;

const storeDown = (list: Banner[]) => list.some((b) => b.source === 'auto' && /unreachable/.test(b.message));

/**
 * Runs `fail` under steady ingest and checks the contract around it; `queue` names this run's calls. `fail`
 * calls `whileDown` (when given) once the primary is gone and before another is promoted.
 */
async function failoverUnderIngest(app: TestApp, queue: string, fail: (whileDown: () => Promise<void>) => Promise<void>) {
  const socket = app.socket(app.apiToken);
  await nextEvent(socket, 'banners');
  const load = steadyIngest(app, { queue });
  await load.acknowledgedMore(10);
  const before = await metrics(app, `queue:${queue}`);
  const down = nextEvent<Banner[]>(socket, 'banners', storeDown);
  await fail(async () => {
    await down;
    // While the banner is up, a screen reads the last figures, marked stale.
    const stale = await app.request('GET', `/api/v1/metrics?scope=queue:${queue}`, { token: app.apiToken });
    expect(stale.body).toMatchObject({ stale: true });
    expect(stale.body.offered).toBeGreaterThanOrEqual(before.offered);
  });
  // Resumes by itself: new batches are taken again and the banner goes.
  await load.acknowledgedMore(10);
  const up = nextEvent<Banner[]>(socket, 'banners', (list) => !storeDown(list));
  if (storeDown((await app.request('GET', '/api/v1/banners', { token: app.apiToken })).body)) await up;
  const report = await load.stop();
  expect(report.unexpected).toEqual([]);
  expect(report.slowestMs).toBeLessThan(STALL_LIMIT_MS);
  const after = await metrics(app, `queue:${queue}`);
  expect(after).toMatchObject({ offered: report.events, stale: false });
  await verifyFindsNoDifference(app, after.day);
  return report;
}

describe('Sentinel failover under steady ingest (durability=replica)', () => {
  let setup: SentinelSetup;
  let app: TestApp;
  beforeAll(async () => {
    setup = await startSentinelSetup();
    app = await startApp(setup.address, { durability: 'replica', watchEveryMs: 250 });
  });
  afterAll(async () => {
    await app?.close();
    await setup?.stop();
  });

  it('SENTINEL FAILOVER: the old primary becomes the replica; nothing lost, nothing counted twice', async () => {
    const was = await setup.primaryPort();
    const report = await failoverUnderIngest(app, 'sentinel-switch', async () => void expect(await setup.failover('command')).not.toBe(was));
    expect(report.acknowledged).toBeGreaterThanOrEqual(20);
  });

  it('the primary killed (SIGKILL): 503 until a replica holds the batches again, then everything resumes', async () => {
    const was = await setup.primaryPort();
    const report = await failoverUnderIngest(app, 'sentinel-kill', async (whileDown) => {
      expect(await setup.failover('kill', whileDown)).not.toBe(was);
      // With durability=replica the new primary needs a replica: the killed node comes back as one.
      await setup.restart(was);
    });
    expect(report.refused).toBeGreaterThan(0);
  });
});

describe('Cluster: the primary holding the centre killed, its replica promoted (durability=replica)', () => {
  let setup: ClusterSetup;
  let app: TestApp;
  beforeAll(async () => {
    setup = await startClusterSetup();
    app = await startApp(setup.address, { durability: 'replica', watchEveryMs: 250 });
  });
  afterAll(async () => {
    await app?.close();
    await setup?.stop();
  });

  it('answers 503 while the slot has no primary, resumes by itself, and loses nothing', async () => {
    const report = await failoverUnderIngest(app, 'cluster-kill', async (whileDown) => {
      const { killed, promoted } = await setup.killPrimaryOf(`${app.prefix}ids`, whileDown);
      expect(promoted).not.toBe(killed);
      await setup.restart(killed);
    });
    expect(report.refused).toBeGreaterThan(0);
  });
});
