// Everyone lands at home: `/` and sign-in send each role to its screen; a screen not for someone links them
// home and lets them sign out; a supervisor's wall has navigation, a TV's has none.
import { test, expect } from './fixtures.ts';
import { signInAs } from './signin.ts';

const PEOPLE = [
  { username: 'nia-admin', password: 'nia-password-1', role: 'admin', home: '/admin' },
  { username: 'noa-supervisor', password: 'noa-password-1', role: 'supervisor', home: '/wall' },
  { username: 'ned-lead', password: 'ned-password-1', role: 'lead', teams: ['red'], home: '/lead' },
  { username: 'nat-agent', password: 'nat-password-1', role: 'agent', agent: 'r2', home: '/agent' },
] as const;

test.describe('where people land', () => {
  test.beforeAll(async ({ server }) => {
    for (const { home: _home, ...person } of PEOPLE) await server.createUser({ ...person, teams: 'teams' in person ? [...person.teams] : undefined });
  });

  for (const person of PEOPLE) {
    test(`${person.role === 'admin' || person.role === 'agent' ? 'an' : 'a'} ${person.role} opening / signs in and lands on ${person.home}, and / takes them there again`, async ({
      browser,
      server,
    }) => {
      const anonymous = await (await browser.newContext()).newPage();
      await anonymous.goto(`${server.url}/`);
      await anonymous.waitForURL('**/login?next=%2F');
      await anonymous.context().close();

      const page = await signInAs(browser, server, person.username, person.password, { next: '/', lands: person.home });
      await page.goto(`${server.url}/`);
      await page.waitForURL(`**${person.home}`);
      await expect(page.getByTestId('sign-out')).toBeVisible();
      await page.context().close();
    });
  }

  test('an agent or a lead opening the wall gets a link to their own screen and sign-out', async ({ browser, server }) => {
    for (const person of [PEOPLE[3], PEOPLE[2]]) {
      const page = await signInAs(browser, server, person.username, person.password, { lands: person.home });
      await page.goto(`${server.url}/wall`);
      await expect(page.getByTestId('problem')).toContainText('The wall is for supervisors');
      await expect(page.getByTestId('not-for-you-sign-out')).toBeVisible();
      await page.getByTestId('go-home').click();
      await page.waitForURL(`**${person.home}`);
      await page.goto(`${server.url}/wall`);
      await page.getByTestId('not-for-you-sign-out').click();
      await page.waitForURL('**/login');
      await page.context().close();
    }
  });

  test("a supervisor's wall has navigation and sign-out; a wall on a display token has neither", async ({ browser, server, page }) => {
    const supervisor = await signInAs(browser, server, 'noa-supervisor', 'noa-password-1', { lands: '/wall' });
    const nav = supervisor.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Wall' })).toHaveAttribute('aria-current', 'page');
    await expect(nav.getByRole('link', { name: 'Banners' })).toBeVisible();
    await expect(supervisor.getByTestId('sign-out')).toBeVisible();

    await page.goto(`${server.url}/wall?token=${server.apiToken}`);
    await expect(page.getByTestId('total-offered')).toBeVisible();
    await expect(page.getByRole('navigation')).toHaveCount(0);
    await expect(page.getByTestId('sign-out')).toHaveCount(0);
    await supervisor.context().close();
  });
});

test.describe("the lead's prompt log", () => {
  test('filters manual and automatic prompts and says when no screen was open', async ({ browser, server }) => {
    const lead = await signInAs(browser, server, 'ned-lead', 'ned-password-1', { lands: '/lead' });
    await expect(lead.getByTestId('prompt-form')).toBeVisible();
    // r2 has no screen open (the tests above closed theirs): the "To" list and the log both say so.
    await expect(lead.getByTestId('prompt-to').locator('option[value="agent:r2"]')).toHaveText('r2 (no screen open)');
    const text = `Nobody there ${Date.now()}`;
    await lead.getByTestId('prompt-to').selectOption('agent:r2');
    await lead.getByTestId('prompt-text').fill(text);
    await lead.getByTestId('prompt-send').click();
    const row = lead.getByTestId('prompt-row').filter({ hasText: text });
    await expect(row.getByTestId('prompt-undelivered')).toHaveText('not delivered: no screen open');

    await lead.getByTestId('prompt-log-auto').check();
    await expect(row).toHaveCount(0);
    await expect(lead.locator('[data-testid="prompt-row"][data-auto="false"]')).toHaveCount(0);
    await lead.getByTestId('prompt-log-manual').check();
    await expect(row).toBeVisible();
    await expect(lead.locator('[data-testid="prompt-row"][data-auto="true"]')).toHaveCount(0);
    await lead.context().close();
  });
});
