// The wall fits its content: 1, 4, 12 and 30 queues (some with ~40-character names), two banners up, at
// 1366×768, 1920×1080 and 3840×2160. Every tile shows service level, waiting, longest wait and abandonment
// inside itself and unclipped, and the page never scrolls. One server (its own settings), one page.
import type { Page } from '@playwright/test';
import { keepScreenshot, test, expect } from './fixtures.ts';

const LONG = [
  'Customer Retention and Loyalty Programme',
  'Business Broadband Technical Support Desk',
  'Mortgage Applications and Remortgage Team',
  'International Roaming and Travel Helpline',
];
// 30 queues: a long name every few, the rest short; ids are what events and ?queues= name.
const QUEUES = Array.from({ length: 30 }, (_, i) => ({
  id: `lq${String(i + 1).padStart(2, '0')}`,
  name: i % 3 === 0 ? LONG[(i / 3) % LONG.length]! : `Queue ${i + 1}`,
  serviceLevelTarget: i === 0 ? 0.7 : 0.8,
}));
const CENTRE_TARGET = 0.9;
const VIEWPORTS = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
];
const FIGURES = ['sl', 'waiting', 'longest-wait', 'abandon-rate'];

test.use({ settings: { queues: QUEUES, serviceLevelTarget: CENTRE_TARGET, boards: [{ id: 'first', queues: ['lq01'] }] } });

/** Everything that does not fit, as readable problems (none: an empty list). */
function problems(page: Page, count: number): Promise<string[]> {
  return page.evaluate(
    ({ count, figures }) => {
      const found: string[] = [];
      const { innerWidth: vw, innerHeight: vh } = window;
      const root = document.documentElement;
      if (root.scrollWidth !== vw || root.scrollHeight !== vh) found.push(`page is ${root.scrollWidth}×${root.scrollHeight}, not ${vw}×${vh}`);
      const tiles = [...document.querySelectorAll<HTMLElement>('[data-testid^="queue-tile-"]')];
      if (tiles.length !== count) found.push(`${tiles.length} tiles, not ${count}`);
      const inside = (inner: DOMRect, outer: DOMRect) =>
        inner.left >= outer.left - 0.5 && inner.right <= outer.right + 0.5 && inner.top >= outer.top - 0.5 && inner.bottom <= outer.bottom + 0.5;
      const screen = new DOMRect(0, 0, vw, vh);
      for (const tile of tiles) {
        const name = tile.dataset.testid!;
        const box = tile.getBoundingClientRect();
        if (!inside(box, screen)) found.push(`${name} is off the screen`);
        if (tile.scrollHeight > tile.clientHeight || tile.scrollWidth > tile.clientWidth) found.push(`${name} overflows (${tile.dataset.mode})`);
        for (const figure of figures) {
          const el = tile.querySelector<HTMLElement>(`[data-testid="${figure}"]`);
          if (!el) {
            found.push(`${name} has no ${figure}`);
            continue;
          }
          if (!inside(el.getBoundingClientRect(), box)) found.push(`${name} ${figure} is outside its tile`);
          // The label next to it (dt) too, where the tile has one.
          const label = el.previousElementSibling as HTMLElement | null;
          if (label?.tagName === 'DT' && !inside(label.getBoundingClientRect(), box)) found.push(`${name} ${figure} label is outside its tile`);
          if (el.scrollHeight > el.clientHeight || el.scrollWidth > el.clientWidth) found.push(`${name} ${figure} is clipped`);
          if (el.getBoundingClientRect().height < 1) found.push(`${name} ${figure} is not shown`);
        }
        // Each of the four figures says its status without colour too: a badge (shape, word) inside the tile.
        for (const badge of ['sl-status', 'wait-status', 'abandon-status']) {
          const el = tile.querySelector<HTMLElement>(`[data-testid="${badge}"]`);
          if (!el?.dataset.status) found.push(`${name} has no ${badge}`);
          else if (!inside(el.getBoundingClientRect(), box) || el.getBoundingClientRect().width < 1) found.push(`${name} ${badge} is not shown whole`);
        }
        // Labels and names readable from 3 m: at least 2.4 vh.
        for (const text of tile.querySelectorAll<HTMLElement>('dt, [data-testid="queue-name"]')) {
          if (parseFloat(getComputedStyle(text).fontSize) < 0.024 * vh - 0.5) found.push(`${name} "${text.textContent}" is under 2.4vh`);
        }
        // Names wrap to two lines rather than end in "…" on one.
        const title = tile.querySelector<HTMLElement>('[data-testid="queue-name"]')!;
        const lineHeight = parseFloat(getComputedStyle(title).lineHeight);
        if (title.scrollHeight > title.clientHeight + 1 && title.clientHeight < 1.9 * lineHeight) found.push(`${name} name is cut on one line`);
      }
      // The centre's service level (and CSAT and FCR, when there are surveys) say their status by shape too.
      if (!document.querySelector('[data-testid="total-sl-status"]')) found.push('the centre SL has no status badge');
      for (const badge of document.querySelectorAll<HTMLElement>('[data-testid^="total-"][data-testid$="-status"]')) {
        if (!inside(badge.getBoundingClientRect(), screen)) found.push(`${badge.dataset.testid} is off the screen`);
      }
      return found;
    },
    { count, figures: FIGURES },
  );
}

test.describe.serial('the wall layout', () => {
  let page: Page;

  test.beforeAll(async ({ browser, server }) => {
    page = await browser.newPage();
    // Figures in every queue, wide ones among them: minutes-long waits, abandons to one decimal.
    const now = Date.now();
    // The answered and the abandoned call are today's (UTC, the server's zone) even in the first quarter hour of the day
    // (a little ahead then): without them a tile has no service level or abandon rate, nor their badges. The waiting
    // call may be yesterday's: the longest wait is live.
    const past = Math.max(now - 900_000, Math.floor(now / 86_400_000) * 86_400_000);
    let n = 0;
    const events = QUEUES.flatMap((q, i) => {
      const call = (k: number) => `${q.id}-${k}`;
      const id = () => `layout-${now}-${n++}`;
      return [
        { id: id(), type: 'call.offered', ts: past, callId: call(1), queue: q.id },
        { id: id(), type: 'call.answered', ts: past + 20_000, callId: call(1), agent: `${q.id}-a` },
        { id: id(), type: 'call.offered', ts: past + 100_000, callId: call(2), queue: q.id },
        { id: id(), type: 'call.abandoned', ts: past + 200_000, callId: call(2) },
        { id: id(), type: 'call.offered', ts: now - 600_000 - i * 1000, callId: call(3), queue: q.id },
      ];
    });
    await server.send(events);
    for (const banner of [
      { severity: 'critical', message: 'Phones down at the Leeds site: calls are being routed to Glasgow and Cardiff' },
      { severity: 'warning', message: 'CRM is read-only until 14:00' },
    ]) {
      expect((await server.post('/api/v1/banners', banner)).status).toBe(201);
    }
  });

  test.afterAll(async () => {
    await page.close();
  });

  for (const count of [1, 4, 12, 30]) {
    test(`${count} queue${count === 1 ? '' : 's'} fit at 1366×768, 1920×1080 and 3840×2160`, async ({ server }, testInfo) => {
      const ids = QUEUES.slice(0, count).map((q) => q.id);
      await page.setViewportSize(VIEWPORTS[1]!);
      await page.goto(`${server.url}/wall?token=${server.apiToken}&queues=${ids.join(',')}`);
      await expect(page.getByTestId('banner')).toHaveCount(2);
      // Every tile has its figures (the longest wait ticks from minutes).
      for (const id of ids) await expect(page.getByTestId(`queue-tile-${id}`).getByTestId('longest-wait')).toHaveText(/^1\d:\d\d$/);
      // The centre's SL has the centre's target; the chart's line follows the board (one queue: that queue's target).
      await expect(page.getByTestId('total-sl')).toHaveAttribute('data-target', String(CENTRE_TARGET));
      await expect(page.getByTestId('intraday-chart')).toHaveAttribute('data-target', String(count === 1 ? QUEUES[0]!.serviceLevelTarget : CENTRE_TARGET));

      for (const viewport of VIEWPORTS) {
        await page.setViewportSize(viewport);
        await expect.poll(() => problems(page, count), { message: `${count} queues at ${viewport.width}×${viewport.height}` }).toEqual([]);
        // Chart.js draws its ticks at the wall's size, not its 12 px default. The page hears of the new size in its
        // next frame (the resize event), and a software-rendered 4K frame of 30 tiles can take seconds on a loaded CI box.
        await expect(page.getByTestId('intraday-chart')).toHaveAttribute('data-font-size', String(Math.round(viewport.height * 0.022)), {
          timeout: 30_000,
        });
      }
      if (count === 30) {
        // The worst case: thirty queues, two banners and the "Reconnecting…" bar at once still fit at every size.
        await server.kill();
        await expect(page.getByTestId('reconnecting')).toBeVisible({ timeout: 15_000 });
        for (const viewport of VIEWPORTS) {
          await page.setViewportSize(viewport);
          await expect.poll(() => problems(page, count), { message: `${count} queues reconnecting at ${viewport.width}×${viewport.height}` }).toEqual([]);
        }
        await server.start();
        await expect(page.getByTestId('reconnecting')).toHaveCount(0, { timeout: 15_000 });
      }
      if (count === 12) {
        await page.setViewportSize(VIEWPORTS[1]!);
        await expect.poll(() => problems(page, count)).toEqual([]);
        await keepScreenshot(page, testInfo, 'wall-12-queues', process.env.WALLBOARD_DOCS ? 'docs/wall-12-queues.png' : undefined);
      }
    });
  }

  test('a board of one queue draws that queue’s target on the chart', async ({ server }) => {
    await page.setViewportSize(VIEWPORTS[1]!);
    await page.goto(`${server.url}/wall?token=${server.apiToken}&board=first`);
    await expect(page.getByTestId('queue-tile-lq01')).toBeVisible();
    await expect(page.getByTestId('intraday-chart')).toHaveAttribute('data-target', String(QUEUES[0]!.serviceLevelTarget));
    await expect(page.getByTestId('total-sl')).toHaveAttribute('data-target', String(CENTRE_TARGET));
  });
});
