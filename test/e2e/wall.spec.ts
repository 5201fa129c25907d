// The wall in real Chromium: figures posted through the API appear within a second, the longest wait
// ticks, banners come and go, and a dead server shows "reconnecting" until the board recovers.
import { keepScreenshot, test, expect } from './fixtures.ts';

let seq = 0;
const id = () => `w${Date.now()}-${seq++}`;
/** Now, or a minute into today (UTC, the server's zone) in the day's first minute: calls placed up to a minute back are today's. */
const todayNow = () => Math.max(Date.now(), Math.floor(Date.now() / 86_400_000) * 86_400_000 + 60_000);

test.describe('the wall display', () => {
  test('shows figures of events posted through the API, within a second', async ({ page, server }, testInfo) => {
    // A queue of its own, so what other tests sent does not count here.
    const queue = `fresh${Date.now()}`;
    // Script errors and blocked resources (a too-strict Content-Security-Policy, say) show up here.
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    // Until the centre's first event the wall shows its first-start page (first-start.spec.ts): one event of another
    // agent first, so this test runs the same alone or after others.
    await server.send([{ id: id(), type: 'agent.state', ts: Date.now(), agent: `${queue}-other`, state: 'offline' }]);
    await page.goto(`${server.url}/wall?token=${server.apiToken}&queues=sales,support,${queue}`);
    const tile = page.getByTestId(`queue-tile-${queue}`);
    await expect(tile.getByTestId('offered')).toHaveText('0');
    // The token does not linger in the address bar.
    expect(page.url()).not.toContain('token=');
    const onCall = Number(await page.getByTestId('agents-onCall').textContent());
    const offered = Number(await page.getByTestId('total-offered').textContent());

    const now = todayNow();
    await server.send([
      { id: id(), type: 'call.offered', ts: now - 40_000, callId: `${queue}-1`, queue },
      { id: id(), type: 'call.answered', ts: now - 20_000, callId: `${queue}-1`, agent: `${queue}-a1` },
      { id: id(), type: 'call.offered', ts: now - 50_000, callId: `${queue}-2`, queue },
      { id: id(), type: 'call.answered', ts: now - 5_000, callId: `${queue}-2`, agent: `${queue}-a2` },
    ]);
    await expect(tile.getByTestId('offered')).toHaveText('2', { timeout: 1000 });
    await expect(tile.getByTestId('sl')).toHaveText('50%', { timeout: 1000 });
    await expect(page.getByTestId('agents-onCall')).toHaveText(String(onCall + 2), { timeout: 1000 });
    await expect(page.getByTestId('total-offered')).toHaveText(String(offered + 2), { timeout: 1000 });
    await expect(page.getByTestId('intraday-chart')).not.toHaveAttribute('data-intervals', '0');
    // The chart's text alternative says what it shows and the latest interval's figures.
    await expect(page.getByTestId('intraday-summary')).toContainText(/Latest interval \d\d:\d\d: \d+ offered/);
    await keepScreenshot(page, testInfo, 'wall-1920x1080');
    expect(errors).toEqual([]);
    // Legible without scrollbars at 1920×1080.
    const size = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
    expect(size).toEqual([1920, 1080]);
  });

  test('shows queues and agents named like built-in properties (constructor, __proto__, toString)', async ({ page, server }) => {
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    const names = ['constructor', '__proto__', 'toString'];
    const now = todayNow();
    await server.send(
      names.flatMap((name, i) => [
        { id: id(), type: 'call.offered', ts: now - 60_000 + i, callId: `proto-${now}-${i}`, queue: name },
        { id: id(), type: 'call.answered', ts: now - 50_000 + i, callId: `proto-${now}-${i}`, agent: name },
      ]),
    );
    await page.goto(`${server.url}/wall?token=${server.apiToken}&queues=${names.join(',')}`);
    for (const name of names) await expect(page.getByTestId(`queue-tile-${name}`).getByTestId('offered')).not.toHaveText('0');
    // The centre's figures come on their own push: wait for them rather than read whatever is there.
    await expect.poll(async () => Number(await page.getByTestId('agents-onCall').textContent())).toBeGreaterThanOrEqual(3);
    expect(errors).toEqual([]);
  });

  test('ticks the longest wait every second', async ({ page, server }) => {
    await server.send([{ id: id(), type: 'call.offered', ts: Date.now() - 65_000, callId: 'e2e-wait', queue: 'support' }]);
    await page.goto(`${server.url}/wall?token=${server.apiToken}`);
    const wait = page.getByTestId('queue-tile-support').getByTestId('longest-wait');
    await expect(wait).toHaveText(/^1:0\d$/);
    const first = await wait.textContent();
    await expect(wait).not.toHaveText(first!, { timeout: 2500 });
    await server.send([{ id: id(), type: 'call.abandoned', ts: Date.now(), callId: 'e2e-wait' }]);
    await expect(wait).toHaveText('–', { timeout: 1000 });
  });

  test('shows a banner a supervisor raises, and takes it down when cleared', async ({ page, server }, testInfo) => {
    await page.goto(`${server.url}/wall?token=${server.apiToken}`);
    await expect(page.getByTestId('wall')).toBeVisible();
    const raised = await server.post('/api/v1/banners', { severity: 'critical', message: 'Phones down in Leeds' });
    expect(raised.status).toBe(201);
    const banner = page.getByTestId('banner').filter({ hasText: 'Phones down in Leeds' });
    await expect(banner).toBeVisible({ timeout: 1000 });
    await keepScreenshot(page, testInfo, 'wall-banner');
    const res = await fetch(`${server.url}/api/v1/banners/${raised.body.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${server.apiToken}` } });
    expect(res.status).toBe(204);
    await expect(banner).toHaveCount(0, { timeout: 1000 });
  });

  test('a display token runs the wall; revoking it stops the board, which says its access ended', async ({ page, server }) => {
    // A token made for one board: the wall shows that board's queues without being told in the URL.
    const created = await server.post('/api/v1/tokens', { role: 'display', subject: 'sales', name: 'Floor TV' });
    await page.goto(`${server.url}/wall?token=${created.body.token}`);
    await expect(page.getByTestId('queue-tile-sales')).toBeVisible();
    await expect(page.getByTestId('queue-tile-support')).toHaveCount(0);
    await fetch(`${server.url}/api/v1/tokens/${created.body.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${server.apiToken}` } });
    // Not "Reconnecting…": a revoked token never comes back, and the TV says so rather than seem to wait.
    const ended = page.getByTestId('access-ended');
    await expect(ended).toBeVisible({ timeout: 2000 });
    await expect(ended).toContainText('Access ended');
    await expect(ended.getByTestId('connection-why')).toHaveText('(Disconnected by the server (revoked or signed out))');
    await expect(page.getByTestId('reconnecting')).toHaveCount(0);
    await expect(page.getByTestId('freshness')).not.toHaveAttribute('data-live', 'true');
  });

  test('a queue in ?queues= that the display token may not read says so, instead of dashes as if it were quiet', async ({ page, server }) => {
    const created = await server.post('/api/v1/tokens', { role: 'display', subject: 'sales', name: 'Sales TV' });
    await page.goto(`${server.url}/wall?token=${created.body.token}&queues=sales,support`);
    await expect(page.getByTestId('queue-tile-sales').getByTestId('offered')).toBeVisible();
    const support = page.getByTestId('queue-tile-support');
    await expect(support).toHaveAttribute('data-refused', 'true');
    await expect(support.getByTestId('tile-refused')).toHaveText('Not shown: this screen may not read this queue');
    await expect(support.getByTestId('offered')).toHaveCount(0);
  });

  test('shows "reconnecting" while the server is down and recovers with fresh figures', async ({ page, server }) => {
    // Its own queues: the tiles keep their full form (every figure) however many queues other tests made.
    await page.goto(`${server.url}/wall?token=${server.apiToken}&queues=sales,support`);
    const offered = page.getByTestId('queue-tile-sales').getByTestId('offered');
    await expect(offered).not.toHaveText('–');
    const before = Number(await offered.textContent());
    await server.kill();
    await expect(page.getByTestId('reconnecting')).toBeVisible({ timeout: 5000 });
    await expect(page.getByTestId('reconnecting')).toContainText('old');
    await server.start();
    // Data sent while the board reconnects shows once it is back: a fresh snapshot, not a stale one.
    await server.send([{ id: id(), type: 'call.offered', ts: Date.now() - 1000, callId: 'e2e-after', queue: 'sales' }]);
    await expect(page.getByTestId('reconnecting')).toHaveCount(0, { timeout: 15_000 });
    await expect(offered).toHaveText(String(before + 1), { timeout: 2000 });
  });
});

test.describe('the supervisor page', () => {
  test('raises a banner from its form that the wall shows, and clears it', async ({ browser, server }) => {
    const supervisor = await (await browser.newContext()).newPage();
    await supervisor.goto(`${server.url}/login?next=/supervisor`);
    await supervisor.getByTestId('login-username').fill('admin');
    await supervisor.getByTestId('login-password').fill('admin-password-e2e');
    await supervisor.getByTestId('login-submit').click();
    await supervisor.waitForURL('**/supervisor');
    const wall = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    await wall.goto(`${server.url}/wall?token=${server.apiToken}`);
    await expect(wall.getByTestId('wall')).toBeVisible();

    await supervisor.getByTestId('banner-severity').selectOption('warning');
    await supervisor.getByTestId('banner-message').fill('CRM is read-only until 14:00');
    await supervisor.getByTestId('banner-raise').click();
    const onWall = wall.getByTestId('banner').filter({ hasText: 'CRM is read-only until 14:00' });
    await expect(onWall).toBeVisible({ timeout: 1000 });
    await expect(onWall).toHaveAttribute('data-severity', 'warning');

    await supervisor.getByRole('button', { name: 'Clear' }).first().click();
    await expect(onWall).toHaveCount(0, { timeout: 1000 });
  });
});
