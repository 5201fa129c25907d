// Fault test (npm run test:faults): a wall in real Chromium loses its network for 5 s, 30 s and 3 minutes
// (`context.setOffline`) under steady ingest, each in a browser context of its own, side by side. While offline the
// wall says so ("Reconnecting…", the figures grey and "offline · as of … ago"); back online it reconnects by itself,
// and once the sender stops its figures equal GET /api/v1/metrics and `npm run verify` finds no difference.
// Twice over: a browser told it is offline (the `offline` event, on which Socket.IO closes at once), and for 30 s and
// 3 minutes a link lost without the browser knowing: the page is opened as `localhost`, where Socket.IO's client does
// not listen for that event, so only the socket going quiet (the heartbeat) can tell.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { chromium, expect as see, type Browser, type Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../support/app.ts';
import { metrics } from '../support/events.ts';
import { startTestRedis, type TestRedis } from '../support/redis.ts';
import { steadyIngest } from '../support/steadyIngest.ts';
import { verifyFindsNoDifference } from '../support/verify.ts';

interface Case {
  seconds: number;
  /** Whether the browser fires `offline` for the page (opened as 127.0.0.1) or the link goes silently (`localhost`). */
  told: boolean;
}
const CASES: Case[] = [
  { seconds: 5, told: true },
  { seconds: 30, told: true },
  { seconds: 180, told: true },
  { seconds: 30, told: false },
  { seconds: 180, told: false },
];
const label = (c: Case) => `${c.seconds} s ${c.told ? 'offline' : 'silently cut'}`;
const QUEUE = 'offline-wall';

/** What the wall shows: a count as a number (–, no figure yet: -1). */
const shown = (page: Page, testId: string, within?: string) => async () => {
  const scope = within ? page.getByTestId(within) : page;
  const text = (await scope.getByTestId(testId).textContent()) ?? '';
  return /\d/.test(text) ? Number(text.replace(/\D/g, '')) : -1;
};

describe('a wall whose browser goes offline', () => {
  let redis: TestRedis;
  let app: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    // The server serves the built client: build it when it is missing or older than its sources (as `npm start` does).
    expect(spawnSync(process.execPath, ['scripts/start.mjs', '--prepare'], { stdio: 'inherit' }).status).toBe(0);
    redis = await startTestRedis();
    app = await startApp(redis.url, { clientDir: resolve('dist/client') });
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await redis?.stop();
  });

  /** One wall: live, offline for its time (and saying so), then back and live again by itself. */
  async function offlineFor(c: Case, load: ReturnType<typeof steadyIngest>): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const host = c.told ? app.url : app.url.replace('127.0.0.1', 'localhost');
    await page.goto(`${host}/wall?token=${app.apiToken}&queues=${QUEUE}`);
    const offered = shown(page, 'offered', `queue-tile-${QUEUE}`);
    const freshness = page.getByTestId('freshness');
    const reconnecting = page.getByRole('alert').filter({ hasText: 'Reconnecting…' });
    await see(freshness).toHaveAttribute('data-why', 'live');
    await expect.poll(offered).toBeGreaterThan(0);

    await context.setOffline(true);
    const cutAt = Date.now();
    const backAt = cutAt + c.seconds * 1000;
    // Not live, said while still offline: the alert, the figures' age, the wall grey.
    await see(reconnecting).toBeVisible({ timeout: backAt - Date.now() });
    const saidAfter = Date.now() - cutAt;
    await see(freshness).toHaveAttribute('data-why', 'offline');
    await see(freshness).toContainText(/^offline · as of .+ ago$/);
    await see(page.getByTestId('wall')).toHaveClass(/not-live/);
    // The network stays down for the case's length: the thing under test is time itself, not an event.
    await new Promise((done) => setTimeout(done, backAt - Date.now()));
    await see(reconnecting).toBeVisible();
    const sentMeanwhile = load.report.events;
    await context.setOffline(false);
    const onlineAt = Date.now();
    await see(reconnecting).toHaveCount(0, { timeout: 30_000 });
    await see(freshness).toHaveAttribute('data-why', 'live');
    // Fresh figures, not the ones from before the cut: at least what had got 202 when the network came back.
    await expect.poll(offered, { timeout: 10_000 }).toBeGreaterThanOrEqual(sentMeanwhile);
    console.log(`${label(c)}: "Reconnecting…" after ${(saidAfter / 1000).toFixed(1)} s, live again ${((Date.now() - onlineAt) / 1000).toFixed(1)} s after`);
    return page;
  }

  it('says it is not live while offline, reconnects by itself and shows the exact figures', { timeout: 330_000 }, async () => {
    const load = steadyIngest(app, { queue: QUEUE, pauseMs: 100 });
    await load.acknowledgedMore(5);
    const runs = await Promise.allSettled(CASES.map((c) => offlineFor(c, load)));
    const failed = runs.flatMap((r, i) => (r.status === 'rejected' ? [`${label(CASES[i]!)}: ${(r.reason as Error).message}`] : []));
    expect(failed).toEqual([]);
    const pages = runs.map((r) => (r as PromiseFulfilledResult<Page>).value);

    const report = await load.stop();
    expect(report.unexpected).toEqual([]);
    expect(report.refused).toBe(0);
    const queue = await metrics(app, `queue:${QUEUE}`);
    const all = await metrics(app, 'all');
    expect(queue.offered).toBe(report.events);
    for (const page of pages) {
      await expect.poll(shown(page, 'offered', `queue-tile-${QUEUE}`)).toBe(queue.offered);
      await expect.poll(shown(page, 'total-offered')).toBe(all.offered);
    }
    await verifyFindsNoDifference(app, queue.day);
  });
});
