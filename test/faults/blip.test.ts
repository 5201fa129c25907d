// Fault test (npm run test:faults): the network between the server and Redis drops for 2 s and for 20 s (a TCP proxy
// that cuts every connection and refuses new ones meanwhile) under steady ingest. Ingest answers 503 or 202, never
// stalls, resumes by itself, and `npm run verify` finds the figures equal to the events that got 202.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Banner } from '../../shared/socket.ts';
import { nextEvent, startApp, type TestApp } from '../support/app.ts';
import { metrics } from '../support/events.ts';
import { breakableLink, type Link } from '../support/links.ts';
import { startTestRedis, type TestRedis } from '../support/redis.ts';
import { steadyIngest } from '../support/steadyIngest.ts';
import { verifyFindsNoDifference } from '../support/verify.ts';

const storeDown = (list: Banner[]) => list.some((b) => b.source === 'auto' && /unreachable/.test(b.message));

describe('a network blip between the server and Redis', () => {
  let redis: TestRedis;
  let link: Link;
  let app: TestApp;
  beforeAll(async () => {
    redis = await startTestRedis();
    link = await breakableLink(Number(new URL(redis.url).port));
    app = await startApp(`redis://127.0.0.1:${link.port}`, { watchEveryMs: 250 });
  });
  afterAll(async () => {
    await app?.close();
    link?.close();
    await redis?.stop();
  });

  for (const seconds of [2, 20]) {
    it(`of ${seconds} s: 503s meanwhile, no stall, everything resumes, nothing lost or counted twice`, async () => {
      const queue = `blip-${seconds}`;
      const socket = app.socket(app.apiToken);
      await nextEvent(socket, 'banners');
      const load = steadyIngest(app, { queue });
      await load.acknowledgedMore(10);
      const down = nextEvent<Banner[]>(socket, 'banners', storeDown);
      link.cut();
      await down;
      // The link stays cut for the blip's length: the thing under test is time itself, not an event.
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      const up = nextEvent<Banner[]>(socket, 'banners', (list) => !storeDown(list));
      link.mend();
      await up;
      await load.acknowledgedMore(10);
      const report = await load.stop();
      socket.disconnect();
      expect(report.unexpected).toEqual([]);
      expect(report.refused).toBeGreaterThan(0);
      expect(report.slowestMs).toBeLessThan(7500);
      const after = await metrics(app, `queue:${queue}`);
      expect(after).toMatchObject({ offered: report.events, stale: false });
      await verifyFindsNoDifference(app, after.day);
    });
  }
});
