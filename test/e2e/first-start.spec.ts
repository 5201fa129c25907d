// A fresh install: before any event the wall says so and shows the two ways to get data; the first event ends it.
import { readFileSync } from 'node:fs';
import { headingSlug } from '../../scripts/lib/readmePage.ts';
import { expect, keepScreenshot, test } from './fixtures.ts';

// A server of its own, on which no event has ever arrived.
test.use({ settings: { queues: [{ id: 'sales', name: 'Sales' }], teams: [] }, firstStart: true });

const readmeAnchors = readFileSync('README.md', 'utf8')
  .split('\n')
  .filter((line) => /^#{1,6}\s/.test(line))
  .map((line) => headingSlug(line.replace(/^#+\s+/, '')));

test('the wall of a fresh install shows the first-start message with both ways to get data, until the first event', async ({ page, server }, testInfo) => {
  await page.goto(`${server.url}/wall?token=${server.apiToken}`);
  const first = page.getByTestId('first-start');
  await expect(first).toBeVisible();
  await expect(first.getByRole('heading', { level: 2 })).toHaveText('Waiting for the first event');
  await expect(page.getByTestId('first-start-demo')).toHaveText('npm run demo');
  await keepScreenshot(page, testInfo, 'wall-first-start', process.env.WALLBOARD_DOCS ? 'docs/wall-first-start.png' : undefined);

  // The link goes to the README's section on sending events: a heading of the README, served with its anchor.
  const link = page.getByTestId('first-start-send');
  const [path, anchor] = (await link.getAttribute('href'))!.split('#');
  expect(readmeAnchors).toContain(anchor);
  await link.click();
  await expect(page).toHaveURL(`${server.url}${path}#${anchor}`);
  await expect(page.locator(`[id="${anchor}"]`)).toHaveText('Sending events');

  // The first event: the wall shows the floor without a reload.
  await page.goto(`${server.url}/wall?token=${server.apiToken}`);
  await expect(first).toBeVisible();
  await server.send([{ id: 'first-start-1', type: 'call.offered', ts: Date.now() - 1000, callId: 'first-start-c1', queue: 'sales' }]);
  await expect(first).toBeHidden();
  await expect(page.getByTestId('total-offered')).toHaveText('1');
});
