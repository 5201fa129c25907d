// The wall at its extremes: banners long enough to fill half the screen or of one unbroken word, waits of hours, a
// 10-hour handle time and 5-digit counts, ids like `constructor` and `a:b*{c}`, and a queue id with a comma in
// `?queues=`. Nothing is cut, off the screen or drawn over other text. One server (its own settings), one page.
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { unreadableText } from './onScreen.ts';

const ODD = ['constructor', '__proto__', 'toString', 'a:b*{c}', 'a,b'];
test.use({
  settings: {
    queues: [{ id: 'big', name: 'Big' }, ...ODD.map((id) => ({ id, name: id }))],
    teams: [{ id: 'red', name: 'Red team', agents: ['r1'] }],
  },
});

const VIEWPORTS = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
  // A TV on its side: unattended, it cannot be scrolled either.
  { width: 1080, height: 1920 },
];

async function fitsEverywhere(page: Page, what: string): Promise<void> {
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    await expect.poll(() => unreadableText(page, '[data-testid="wall"]'), { message: `${what} at ${viewport.width}×${viewport.height}` }).toEqual([]);
    const size = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
    expect(size, `${what}: the page does not scroll`).toEqual([viewport.width, viewport.height]);
  }
}

test.describe.serial('the wall at its extremes', () => {
  let page: Page;
  const banners: string[] = [];

  test.beforeAll(async ({ browser, server }) => {
    page = await browser.newPage();
    const now = Date.now();
    let n = 0;
    const id = () => `extreme-${now}-${n++}`;
    // Every odd queue: one answered late, one abandoned, one waiting for three hours (missed on every figure).
    const events: unknown[] = ODD.flatMap((queue, i) => [
      { id: id(), type: 'call.offered', ts: now - 600_000, callId: `${queue}-1`, queue },
      { id: id(), type: 'call.answered', ts: now - 540_000, callId: `${queue}-1`, agent: 'r1' },
      { id: id(), type: 'call.offered', ts: now - 500_000, callId: `${queue}-2`, queue },
      { id: id(), type: 'call.abandoned', ts: now - 400_000, callId: `${queue}-2` },
      { id: id(), type: 'call.offered', ts: now - 3 * 3_600_000 - i * 1000, callId: `${queue}-3`, queue },
    ]);
    // A 10-hour handle time, wrapped a minute ago.
    events.push(
      { id: id(), type: 'call.offered', ts: now - 36_400_000, callId: 'long', queue: 'big' },
      { id: id(), type: 'call.answered', ts: now - 36_300_000, callId: 'long', agent: 'r1' },
      { id: id(), type: 'call.ended', ts: now - 120_000, callId: 'long' },
      { id: id(), type: 'call.wrapped', ts: now - 60_000, callId: 'long', resolved: true },
    );
    await server.send(events);
    // 10,000 callers waiting in one queue, the first for over an hour.
    await server.send(
      Array.from({ length: 10_000 }, (_, k) => ({ id: id(), type: 'call.offered', ts: now - 3_700_000 + k, callId: `big-${k}`, queue: 'big' })),
    );
  });

  test.afterAll(async ({ server }) => {
    for (const banner of banners)
      await fetch(`${server.url}/api/v1/banners/${banner}`, { method: 'DELETE', headers: { authorization: `Bearer ${server.apiToken}` } });
    await page.close();
  });

  test('hours-long waits with their missed badges stay inside three full tiles', async ({ server }) => {
    await page.setViewportSize(VIEWPORTS[1]!);
    await page.goto(`${server.url}/wall?token=${server.apiToken}&queues=constructor,__proto__,toString`);
    await expect(page.getByTestId('queue-tile-toString').getByTestId('longest-wait')).toHaveText(/^3:\d\d:\d\d$/);
    // How far past its threshold, as a duration: "+3:00:05", not "+10,805 s".
    await expect(page.getByTestId('queue-tile-toString').getByTestId('wait-status').locator('.word')).toHaveText(/^\+2:59:\d\d$|^\+3:\d\d:\d\d$/);
    await fitsEverywhere(page, 'three tiles');
    await page.setViewportSize(VIEWPORTS[1]!);
    await expect(page.getByTestId('intraday-chart')).toHaveAttribute('data-axis-title', 'true');
  });

  test('on a screen that scrolls (a laptop window, a phone) every tile shows its figures whole', async ({ server }) => {
    await page.setViewportSize({ width: 800, height: 600 });
    await page.goto(`${server.url}/wall?token=${server.apiToken}&queues=constructor,__proto__,a:b*{c},big`);
    await expect(page.getByTestId('queue-tile-big').getByTestId('waiting')).toHaveText('10,000');
    for (const viewport of [
      { width: 800, height: 600 },
      { width: 390, height: 844 },
    ]) {
      await page.setViewportSize(viewport);
      const what = `${viewport.width}×${viewport.height}`;
      await expect.poll(() => unreadableText(page, '[data-testid="wall"]', { scrolls: true }), { message: what }).toEqual([]);
      await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth), { message: `${what}: no sideways scroll` }).toBe(viewport.width);
    }
  });

  test('a 10-hour AHT and 5-digit counts in the totals, and in a dense row, overlap nothing', async ({ server }) => {
    // Thirty rows: the big queue first, the rest unknown ids with no figures yet.
    const ids = ['big', ...ODD.slice(0, 4), ...Array.from({ length: 25 }, (_, i) => `empty-${i}`)];
    await page.setViewportSize(VIEWPORTS[1]!);
    await page.goto(`${server.url}/wall?token=${server.apiToken}&queues=${ids.map(encodeURIComponent).join(',')}`);
    await expect(page.getByTestId('tiles')).toHaveAttribute('data-mode', 'dense');
    await expect(page.getByTestId('queue-tile-big').getByTestId('waiting')).toHaveText('10,000');
    await expect(page.getByTestId('totals')).toContainText(/AHT10:\d\d:\d\d/);
    await fitsEverywhere(page, 'thirty dense rows');
    // The chart a few lines high: Chart.js would draw the axis title over the times, so it is left out (the times
    // stay, in the centre's zone); a wall with room keeps it.
    await page.setViewportSize(VIEWPORTS[1]!);
    await expect(page.getByTestId('intraday-chart')).toHaveAttribute('data-axis-title', 'false');
    // The status shapes in a dense row grow with the wall: at 4K as large as on a 1080p screen, in vh.
    await page.setViewportSize(VIEWPORTS[2]!);
    const shape = page.getByTestId('queue-tile-big').getByTestId('wait-status').locator('.shape');
    await expect.poll(async () => (await shape.evaluate((e) => parseFloat(getComputedStyle(e).fontSize))) / VIEWPORTS[2]!.height).toBeGreaterThan(0.015);
  });

  test('tall banners and one of a single unbroken word shrink the tiles; nothing leaves the screen', async ({ server }) => {
    for (const banner of [
      {
        severity: 'critical',
        message:
          'Phones down at the Leeds site: all inbound calls are being routed to Glasgow and Cardiff until further notice; agents in Leeds please log off the softphone and move to the overflow room on floor 3. Supervisors, check the escalation list every ten minutes.',
        queues: ['big', 'constructor'],
      },
      { severity: 'warning', message: 'CRM is read-only until 14:00' },
      { severity: 'info', message: `Averyverylongunbrokenbannermessage${'x'.repeat(120)}` },
      { severity: 'info', message: 'مرحبا بكم في مركز الاتصال — اجتماع الفريق الساعة الثالثة' },
    ]) {
      const created = await server.post('/api/v1/banners', banner);
      expect(created.status).toBe(201);
      banners.push(created.body.id);
    }
    await page.setViewportSize(VIEWPORTS[1]!);
    await page.goto(`${server.url}/wall?token=${server.apiToken}&queues=big`);
    await expect(page.getByTestId('banner')).toHaveCount(4);
    await expect(page.getByTestId('queue-tile-big').getByTestId('waiting')).toHaveText('10,000');
    await fitsEverywhere(page, 'four banners');
    await expect(page.getByTestId('total-offered')).toBeInViewport({ ratio: 1 });
  });

  test('?queues= takes an escaped comma as part of an id', async ({ server }) => {
    await page.setViewportSize(VIEWPORTS[1]!);
    await page.goto(`${server.url}/wall?token=${server.apiToken}&queues=${encodeURIComponent('a,b')},${encodeURIComponent('a:b*{c}')},constructor`);
    await expect(page.locator('[data-testid^="queue-tile-"]')).toHaveCount(3);
    await expect(page.getByTestId('queue-tile-a,b').getByTestId('waiting')).toHaveText('1');
    await expect(page.getByTestId('queue-tile-a:b*{c}').getByTestId('waiting')).toHaveText('1');
    await expect(page.getByTestId('queue-tile-constructor').getByTestId('queue-name')).toHaveText('constructor');
  });

  test('an empty ?queues= shows every queue, not none', async ({ server }) => {
    await page.setViewportSize(VIEWPORTS[1]!);
    await page.goto(`${server.url}/wall?token=${server.apiToken}&queues=`);
    await expect(page.getByTestId('queue-tile-big')).toBeVisible();
    await expect(page.getByTestId('queue-tile-constructor')).toBeVisible();
  });

  test('right-to-left names and messages keep their own direction, isolated from the words around them', async ({ server }) => {
    await page.setViewportSize(VIEWPORTS[1]!);
    await page.goto(`${server.url}/wall?token=${server.apiToken}&queues=big`);
    const arabic = page.getByTestId('banner').filter({ hasText: 'مرحبا' });
    await expect(arabic.getByTestId('banner-message')).toHaveJSProperty('tagName', 'BDI');
    await expect(page.getByTestId('queue-tile-big').getByTestId('queue-name')).toHaveAttribute('dir', 'auto');
  });
});
