// People in real Chromium: a lead coaches an agent live in two browsers; an agent sees only itself;
// the sign-in page refuses a wrong password and slows a flood.
import type { Browser, Page } from '@playwright/test';
import { keepScreenshot, test, expect, type WallboardServer } from './fixtures.ts';

async function signIn(
  browser: Browser,
  server: WallboardServer,
  username: string,
  password: string,
  path: string,
  watch?: (page: Page) => void,
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  watch?.(page);
  await page.goto(`${server.url}/login?next=${encodeURIComponent(path)}`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(`**${path}`);
  return page;
}

test.describe('coaching', () => {
  test.beforeAll(async ({ server }) => {
    await server.createUser({ username: 'lena', password: 'lena-password-1', role: 'lead', teams: ['red'] });
    await server.createUser({ username: 'raj', password: 'raj-password-1', role: 'agent', agent: 'r1' });
  });

  test('a lead sends a prompt, the agent sees it within a second and acknowledges, the lead sees it', async ({ browser, server }, testInfo) => {
    const now = Date.now();
    await server.send([
      { id: `p-${now}-1`, type: 'call.offered', ts: now - 90_000, callId: `pc-${now}`, queue: 'sales' },
      { id: `p-${now}-2`, type: 'call.answered', ts: now - 80_000, callId: `pc-${now}`, agent: 'r1' },
    ]);
    const lead = await signIn(browser, server, 'lena', 'lena-password-1', '/lead');
    const agent = await signIn(browser, server, 'raj', 'raj-password-1', '/agent');
    await expect(lead.getByTestId('agent-row-r1').getByTestId('agent-state')).toHaveText('On call');
    await expect(agent.getByTestId('time-in-state')).toHaveText(/^1:[2-9]\d$/);

    await lead.getByTestId('agent-row-r1').click();
    await expect(lead.getByTestId('prompt-to')).toHaveValue('agent:r1');
    await lead.getByTestId('prompt-text').fill('Offer the callback, queue is long');
    await lead.getByTestId('prompt-high').check();
    await lead.getByTestId('prompt-send').click();

    const card = agent.getByTestId('prompt-card').filter({ hasText: 'Offer the callback, queue is long' });
    await expect(card).toBeVisible({ timeout: 1000 });
    const status = lead.getByTestId('prompt-row').filter({ hasText: 'Offer the callback' }).getByTestId('prompt-status');
    await expect(status).toHaveText('delivered', { timeout: 1000 });

    await card.getByTestId('prompt-ack').click();
    await expect(status).toHaveText('acknowledged', { timeout: 1000 });
    await card.getByTestId('prompt-reply-text').fill('On it');
    await card.getByTestId('prompt-reply-send').click();
    await expect(status).toHaveText('replied', { timeout: 1000 });
    await keepScreenshot(lead, testInfo, 'lead-console');
    await keepScreenshot(agent, testInfo, 'agent-view');

    // The supervisor can export the exchange afterwards.
    const csv = await fetch(`${server.url}/api/v1/prompts?agent=r1`, { headers: { authorization: `Bearer ${server.apiToken}`, accept: 'text/csv' } });
    // The server quotes every CSV cell (server/http/csv.ts csvCell): the quotes are optional here.
    expect(await csv.text()).toMatch(/"?lena"?,"?agent:r1"?,"?r1"?,"?high"?,"?false"?,"?Offer the callback, queue is long"?,"?replied"?,.*On it/);
  });

  test("the agent's reply shows on its card at once, a long unbroken one inside the card at 200% zoom (640×360)", async ({ browser, server }) => {
    const text = `Zoomed prompt ${Date.now()}`;
    expect((await server.post('/api/v1/prompts', { to: 'agent:r1', text, priority: 'normal' })).status).toBe(201);
    const context = await browser.newContext({ viewport: { width: 640, height: 360 } });
    const agent = await context.newPage();
    await agent.goto(`${server.url}/login?next=/agent`);
    await agent.getByTestId('login-username').fill('raj');
    await agent.getByTestId('login-password').fill('raj-password-1');
    await agent.getByTestId('login-submit').click();
    const card = agent.getByTestId('prompt-card').filter({ hasText: text });
    const reply = `Understood${'-and-will-do'.repeat(20)}`;
    await card.getByTestId('prompt-reply-text').fill(reply);
    await card.getByTestId('prompt-reply-send').click();
    await expect(card.getByTestId('prompt-state')).toHaveText('replied');
    await expect(card.locator('q')).toHaveText(reply);
    await expect.poll(() => agent.evaluate(() => document.documentElement.scrollWidth)).toBe(640);
    await context.close();
  });

  test('the lead and the agent see quality (QA) against its 90% target with a status badge, and its change live', async ({ browser, server }, testInfo) => {
    const now = Date.now();
    // A minute ago, but today (UTC, the server's zone) even in the first minute of the day: the screens show today's QA.
    const at = Math.max(now - 60_000, Math.floor(now / 86_400_000) * 86_400_000);
    const qa = (n: number, callId: string, score: number) => ({
      id: `qa-${now}-${n}`,
      type: 'qa.evaluation',
      ts: at + n,
      callId,
      agent: 'r1',
      score,
    });
    await server.send([qa(1, `qc-${now}-1`, 80), qa(2, `qc-${now}-2`, 70)]);
    const lead = await signIn(browser, server, 'lena', 'lena-password-1', '/lead');
    const agent = await signIn(browser, server, 'raj', 'raj-password-1', '/agent');

    const row = lead.getByTestId('agent-row-r1');
    await expect(row.getByTestId('agent-qa')).toContainText('75%');
    await expect(row.getByTestId('qa-status')).toHaveAttribute('data-status', 'missed');
    await expect(row.getByTestId('qa-status').locator('.word')).toHaveText('−15 pts');
    await expect(lead.getByTestId('team-qa')).toHaveText('75%');
    await expect(lead.getByTestId('team-qa-status')).toHaveAttribute('data-status', 'missed');
    await expect(lead.getByTestId('team-totals')).toContainText('2 evaluations');
    await expect(agent.getByTestId('my-qa')).toHaveText('75%');
    await expect(agent.getByTestId('my-qa-status').locator('.word')).toHaveText('−15 pts');
    await expect(agent.getByTestId('my-qa').locator('..')).toContainText('target 90% · 2 evaluations');
    await row.click();
    await keepScreenshot(lead, testInfo, 'lead-qa');
    await keepScreenshot(agent, testInfo, 'agent-qa');

    // The second call is evaluated again (the later evaluation replaces the first): (80 + 100) / 2 = 90%, met, with no reload.
    await server.send([qa(3, `qc-${now}-2`, 100)]);
    await expect(agent.getByTestId('my-qa')).toHaveText('90%');
    await expect(agent.getByTestId('my-qa-status')).toHaveAttribute('data-status', 'met');
    await expect(row.getByTestId('qa-status')).toHaveAttribute('data-status', 'met');
    await expect(lead.getByTestId('team-totals')).toContainText('2 evaluations');
  });

  test("an agent who edits the URL to another agent's stats is refused", async ({ browser, server }) => {
    const agent = await signIn(browser, server, 'raj', 'raj-password-1', '/agent');
    await agent.goto(`${server.url}/agent?agent=r2`);
    await expect(agent.getByTestId('problem')).toContainText('forbidden');
    await expect(agent.getByTestId('my-handled')).toHaveText('–');
    const res = await agent.request.get(`${server.url}/api/v1/metrics?scope=agent:r2`);
    expect(res.status()).toBe(403);
  });
});

/** Records the `subscribe` and `unsubscribe` a page emits, as "subscribe team:red", over polling and WebSocket alike. */
function recordSubscriptions(page: Page, into: string[]): void {
  const read = (payload: string) => {
    // Engine.IO packets (joined by U+001E when polling): "42" is a Socket.IO event, then an ack id, then [name, body].
    for (const packet of payload.split('\u001e')) {
      const event = /^42\d*(\[.*\])$/s.exec(packet);
      if (!event) continue;
      const [name, body] = JSON.parse(event[1]!) as [string, { scope?: string }];
      if (name === 'subscribe' || name === 'unsubscribe') into.push(`${name} ${body.scope}`);
    }
  };
  page.on('websocket', (ws) => ws.on('framesent', (frame) => read(String(frame.payload))));
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().includes('/socket.io/')) read(request.postData() ?? '');
  });
}

test.describe('team console', () => {
  test.beforeAll(async ({ server }) => {
    const res = await fetch(`${server.url}/api/v1/teams/blue`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${server.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Blue team', agents: ['b1'] }),
    });
    expect(res.status).toBe(200);
    await server.createUser({ username: 'lars', password: 'lars-password-1', role: 'lead', teams: ['red', 'blue'] });
  });

  test("switching team unsubscribes the old team and its agents and subscribes the new team's", async ({ browser, server }) => {
    const sent: string[] = [];
    const lead = await signIn(browser, server, 'lars', 'lars-password-1', '/lead', (page) => recordSubscriptions(page, sent));
    await expect(lead.getByTestId('agent-row-r1')).toBeVisible();
    await expect.poll(() => sent).toEqual(expect.arrayContaining(['subscribe team:red', 'subscribe agent:r1', 'subscribe agent:r2']));
    expect(sent.filter((s) => s.startsWith('unsubscribe'))).toEqual([]);

    sent.length = 0;
    await lead.getByTestId('team-select').selectOption('blue');
    await expect(lead.getByTestId('agent-row-b1')).toBeVisible();
    await expect(lead.getByTestId('agent-row-r1')).toHaveCount(0);
    await expect
      .poll(() => [...sent].sort())
      .toEqual(['subscribe agent:b1', 'subscribe team:blue', 'unsubscribe agent:r1', 'unsubscribe agent:r2', 'unsubscribe team:red']);

    // Back to red: its figures come again, live.
    sent.length = 0;
    await lead.getByTestId('team-select').selectOption('red');
    await expect
      .poll(() => [...sent].sort())
      .toEqual(['subscribe agent:r1', 'subscribe agent:r2', 'subscribe team:red', 'unsubscribe agent:b1', 'unsubscribe team:blue']);
    await expect(lead.getByTestId('team-handled')).not.toHaveText('–');
  });

  test('an agent who leaves the team leaves the console at once, its detail closed', async ({ browser, server }) => {
    const putBlue = async (agents: string[]) => {
      const res = await fetch(`${server.url}/api/v1/teams/blue`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${server.apiToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Blue team', agents }),
      });
      expect(res.status).toBe(200);
    };
    await putBlue(['b1', 'b2']);
    const lead = await signIn(browser, server, 'lars', 'lars-password-1', '/lead');
    await lead.getByTestId('team-select').selectOption('blue');
    await lead.getByTestId('agent-row-b2').click();
    await expect(lead.getByTestId('agent-detail')).toBeVisible();
    await expect(lead.getByTestId('prompt-to')).toHaveValue('agent:b2');

    // The server ends the lead's subscription to b2 (it may no longer read it): the console reads its team again.
    await putBlue(['b1']);
    await expect(lead.getByTestId('agent-row-b2')).toHaveCount(0);
    await expect(lead.getByTestId('agent-row-b1')).toBeVisible();
    await expect(lead.getByTestId('team-select')).toHaveValue('blue');
    await expect(lead.getByTestId('agent-detail')).toHaveCount(0);
    await expect(lead.getByTestId('prompt-to')).toHaveValue('team:blue');
  });

  test('a team renamed or given an agent shows on the open console without a reload (no subscription ends)', async ({ browser, server }) => {
    const putBlue = async (name: string, agents: string[]) => {
      const res = await fetch(`${server.url}/api/v1/teams/blue`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${server.apiToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, agents }),
      });
      expect(res.status).toBe(200);
    };
    await putBlue('Blue team', ['b1']);
    const lead = await signIn(browser, server, 'lars', 'lars-password-1', '/lead');
    await lead.getByTestId('team-select').selectOption('blue');
    await expect(lead.getByTestId('agent-row-b1')).toBeVisible();
    await putBlue('Blue team (late shift)', ['b1', 'constructor']);
    await expect(lead.getByRole('heading', { level: 1 })).toHaveText('Blue team (late shift)', { timeout: 10_000 });
    await expect(lead.getByTestId('agent-row-constructor')).toBeVisible();
    await expect(lead.getByTestId('team-select')).toHaveValue('blue');
  });
});

test.describe('sign-in', () => {
  test('rejects a wrong password and rate-limits a flood', async ({ page, server }) => {
    await page.goto(`${server.url}/login`);
    await page.getByTestId('login-username').fill('mallory');
    let message = '';
    for (let attempt = 0; attempt < 12 && !message.includes('Too many'); attempt++) {
      await page.getByTestId('login-password').fill(`guess-${attempt}`);
      await page.getByTestId('login-submit').click();
      await expect(page.getByTestId('login-submit')).toBeEnabled();
      message = (await page.getByTestId('login-error').textContent()) ?? '';
      if (attempt === 0) expect(message).toBe('Wrong username or password.');
    }
    expect(message).toContain('Too many attempts');
  });
});
