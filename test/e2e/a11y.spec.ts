// WCAG 2.2 AA in real Chromium: axe-core finds no violation on any screen, on a 1920×1080 wall and a 390 px
// phone, and no page scrolls sideways on the phone.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { signInAs } from './signin.ts';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const VIEWPORTS = [
  { name: 'wall', width: 1920, height: 1080 },
  { name: 'phone', width: 390, height: 844 },
];

async function expectAccessible(page: Page, what: string, viewport: { width: number }): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const found = violations.map((v) => `${what}: ${v.id} (${v.impact}) ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`);
  expect(found).toEqual([]);
  if (viewport.width < 600) {
    // No sideways scroll on a phone: wide tables scroll inside their panel instead.
    const wide = await page.evaluate(
      (limit) =>
        [...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().right > limit + 0.5 && !e.closest('.scroll, .figures-scroll'))
          .map((e) => `${e.tagName.toLowerCase()}.${e.className} (${Math.round(e.getBoundingClientRect().right)} px)`),
      viewport.width,
    );
    expect(wide, `${what}: wider than the phone`).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
  }
}

test.describe('accessibility', () => {
  let displayToken = '';
  let bannerId = '';
  test.beforeAll(async ({ server }) => {
    await server.createUser({ username: 'ada-admin', password: 'ada-password-1', role: 'admin' });
    await server.createUser({ username: 'sue-supervisor', password: 'sue-password-1', role: 'supervisor' });
    // A team of its own: g1 never opens a screen, g2 is Ria's.
    const green = await fetch(`${server.url}/api/v1/teams/green`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${server.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Green team', agents: ['g1', 'g2'] }),
    });
    expect(green.status).toBe(200);
    await server.createUser({ username: 'leo-lead', password: 'leo-password-1', role: 'lead', teams: ['green'] });
    await server.createUser({ username: 'ria-agent', password: 'ria-password-1', role: 'agent', agent: 'g2' });
    const created = await server.post('/api/v1/tokens', { role: 'display', name: 'a11y TV' });
    expect(created.status).toBe(201);
    displayToken = created.body.token;
    // Something in every list: prompts (g1's never delivered: no screen open) and a banner.
    expect((await server.post('/api/v1/prompts', { to: 'agent:g1', text: 'Welcome to the team', priority: 'high' })).status).toBe(201);
    expect((await server.post('/api/v1/prompts', { to: 'team:green', text: 'Huddle at three' })).status).toBe(201);
    const banner = await server.post('/api/v1/banners', { severity: 'info', message: 'Accessibility check in progress' });
    expect(banner.status).toBe(201);
    bannerId = banner.body.id;
  });
  // The server is shared with the other test files: the banner goes when done.
  test.afterAll(async ({ server }) => {
    const res = await fetch(`${server.url}/api/v1/banners/${bannerId}`, { method: 'DELETE', headers: { authorization: `Bearer ${server.apiToken}` } });
    expect(res.ok).toBe(true);
  });

  for (const viewport of VIEWPORTS) {
    test(`every screen at ${viewport.width}×${viewport.height}`, async ({ browser, server }) => {
      const size = { width: viewport.width, height: viewport.height };
      const anonymous = await (await browser.newContext({ viewport: size })).newPage();
      await anonymous.goto(`${server.url}/login`);
      await expect(anonymous.getByTestId('login-form')).toBeVisible();
      await expectAccessible(anonymous, '/login', viewport);

      await anonymous.goto(`${server.url}/wall?token=${displayToken}`);
      await expect(anonymous.getByTestId('total-offered')).toBeVisible();
      await expect(anonymous.getByTestId('sign-out')).toHaveCount(0);
      await expectAccessible(anonymous, '/wall (display token)', viewport);

      const supervisor = await signInAs(browser, server, 'sue-supervisor', 'sue-password-1', { lands: '/wall', viewport: size });
      await expect(supervisor.getByTestId('total-offered')).toBeVisible();
      await expect(supervisor.getByTestId('sign-out')).toBeVisible();
      await expectAccessible(supervisor, '/wall (supervisor)', viewport);
      await supervisor.goto(`${server.url}/supervisor`);
      await expect(supervisor.getByTestId('banner-form')).toBeVisible();
      await expectAccessible(supervisor, '/supervisor', viewport);

      const lead = await signInAs(browser, server, 'leo-lead', 'leo-password-1', { lands: '/lead', viewport: size });
      await expect(lead.getByTestId('prompt-undelivered').first()).toBeVisible();
      await expectAccessible(lead, '/lead', viewport);

      const agent = await signInAs(browser, server, 'ria-agent', 'ria-password-1', { lands: '/agent', viewport: size });
      await expect(agent.getByTestId('prompt-card').first()).toBeVisible();
      await expectAccessible(agent, '/agent', viewport);
      await agent.goto(`${server.url}/wall`);
      await expect(agent.getByTestId('go-home')).toBeVisible();
      await expectAccessible(agent, '/wall (an agent: not for them)', viewport);

      const admin = await signInAs(browser, server, 'ada-admin', 'ada-password-1', { lands: '/admin', viewport: size });
      await expect(admin.getByTestId('user-form')).toBeVisible();
      await expectAccessible(admin, '/admin', viewport);
      await Promise.all([anonymous, supervisor, lead, agent, admin].map((p) => p.context().close()));
    });
  }

  // WCAG 1.4.10: at 320 CSS px (a 1280 px window at 400%) the past, the reports and the agent's own screen read
  // without sideways scrolling; their wide tables scroll inside a region the keyboard reaches.
  test('the reports, calls, quality and agent screens reflow at 320 px', async ({ browser, server }) => {
    const now = Date.now();
    await server.send([
      { id: `reflow-${now}-1`, type: 'call.offered', ts: now - 60_000, callId: `reflow-${now}`, queue: 'sales' },
      { id: `reflow-${now}-2`, type: 'call.answered', ts: now - 50_000, callId: `reflow-${now}`, agent: 'g2' },
      { id: `reflow-${now}-3`, type: 'call.ended', ts: now - 20_000, callId: `reflow-${now}` },
      { id: `reflow-${now}-4`, type: 'call.wrapped', ts: now - 10_000, callId: `reflow-${now}`, resolved: true },
    ]);
    const size = { width: 320, height: 640 };
    const supervisor = await signInAs(browser, server, 'sue-supervisor', 'sue-password-1', { lands: '/wall', viewport: size });
    await supervisor.goto(`${server.url}/reports`);
    await expect(supervisor.getByTestId('reports-table')).toBeVisible();
    await expect(supervisor.getByTestId('month-table')).toBeVisible();
    await expectAccessible(supervisor, '/reports at 320 px', size);
    await supervisor.goto(`${server.url}/calls`);
    await expect(supervisor.getByTestId('calls-table')).toBeVisible();
    await expectAccessible(supervisor, '/calls at 320 px', size);
    const agent = await signInAs(browser, server, 'ria-agent', 'ria-password-1', { lands: '/agent', viewport: size });
    await expect(agent.getByTestId('my-qa')).toBeVisible();
    await expectAccessible(agent, '/agent at 320 px', size);
    await Promise.all([supervisor, agent].map((p) => p.context().close()));
  });

  // Banners of every severity, with their queues and time, on a 1280×720 wall, where their text is normal-size
  // (under 24 px): it needs 4.5:1 on each banner's colour, the critical one's pulse included.
  test('banners of every severity on a 1280×720 wall', async ({ browser, server }) => {
    const raised: string[] = [];
    for (const severity of ['critical', 'warning', 'info']) {
      const created = await server.post('/api/v1/banners', { severity, message: `${severity} for the contrast check`, queues: ['sales'] });
      expect(created.status).toBe(201);
      raised.push(created.body.id);
    }
    const size = { width: 1280, height: 720 };
    const page = await (await browser.newContext({ viewport: size, reducedMotion: 'reduce' })).newPage();
    await page.goto(`${server.url}/wall?token=${displayToken}`);
    await expect(page.locator('[data-testid="banner"][data-source="manual"]')).toHaveCount(4);
    await expectAccessible(page, '/wall with banners at 1280×720', size);
    await page.context().close();
    for (const id of raised) await fetch(`${server.url}/api/v1/banners/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${server.apiToken}` } });
  });

  test('a banner of one unbroken word does not widen /supervisor on a phone', async ({ browser, server }) => {
    const created = await server.post('/api/v1/banners', { severity: 'info', message: `Unbroken${'x'.repeat(150)}` });
    expect(created.status).toBe(201);
    const size = { width: 390, height: 844 };
    const supervisor = await signInAs(browser, server, 'sue-supervisor', 'sue-password-1', { lands: '/wall', viewport: size });
    await supervisor.goto(`${server.url}/supervisor`);
    await expect(supervisor.getByTestId('banner-history').filter({ hasText: 'Unbrokenxxx' }).first()).toBeVisible();
    await expectAccessible(supervisor, '/supervisor with an unbroken banner', size);
    await supervisor.context().close();
    await fetch(`${server.url}/api/v1/banners/${created.body.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${server.apiToken}` } });
  });
});
