// Live escalation in real Chromium: an agent on a call asks for help and its lead has it within a second, with the
// call's queue, the reason and a beep (mutable, remembered); the lead takes it and the agent sees who is coming.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { keepScreenshot, test, expect, type WallboardServer } from './fixtures.ts';
import { signInAs } from './signin.ts';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

async function expectAccessible(page: Page, what: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  expect(violations.map((v) => `${what}: ${v.id} ${v.help} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** Counts the oscillators a page starts: each beep starts two. */
async function countBeeps(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { beeps: number };
    w.beeps = 0;
    const start = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function (this: AudioContext) {
      w.beeps++;
      return start.call(this);
    };
  });
}
/** Presses Tab until the element with this test id has the focus: it is reachable by keyboard. */
async function tabTo(page: Page, testid: string, limit = 80): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((id) => (document.activeElement as HTMLElement | null)?.dataset.testid === id, testid)) return;
  }
  throw new Error(`${testid} not reached with ${limit} presses of Tab`);
}

const beeps = (page: Page) => page.evaluate(() => (window as unknown as { beeps: number }).beeps);

/** Puts e1 on a fresh call in Sales; returns the call id. */
async function onCall(server: WallboardServer, n: number): Promise<string> {
  const now = Date.now();
  const callId = `esc-${now}-${n}`;
  await server.send([
    { id: `${callId}-o`, type: 'call.offered', ts: now - 90_000, callId, queue: 'sales' },
    { id: `${callId}-a`, type: 'call.answered', ts: now - 60_000, callId, agent: 'e1' },
  ]);
  return callId;
}

test.describe('escalation', () => {
  test.beforeAll(async ({ server }) => {
    const res = await fetch(`${server.url}/api/v1/teams/esc`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${server.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Escalation team', agents: ['e1'] }),
    });
    expect(res.status).toBe(200);
    await server.createUser({ username: 'esme-lead', password: 'esme-password-1', role: 'lead', teams: ['esc'] });
    await server.createUser({ username: 'eli-lead', password: 'eli-password-1', role: 'lead', teams: ['esc'] });
    await server.createUser({ username: 'ezra-agent', password: 'ezra-password-1', role: 'agent', agent: 'e1' });
  });

  test('an agent escalates and the lead takes it within a second; the agent sees who is coming', async ({ browser, server }, testInfo) => {
    const callId = await onCall(server, 1);
    const lead = await signInAs(browser, server, 'esme-lead', 'esme-password-1', { lands: '/lead' });
    await countBeeps(lead);
    await lead.reload();
    const agent = await signInAs(browser, server, 'ezra-agent', 'ezra-password-1', { lands: '/agent' });
    await expect(lead.getByTestId('escalations')).toContainText('No one is asking for help.');

    await expect(agent.getByTestId('help-ask')).toBeEnabled();
    await agent.getByTestId('help-reason').fill('Caller asks for a manager');
    await agent.getByTestId('help-ask').click();
    const card = lead.getByTestId('escalation').filter({ hasText: 'e1' });
    await expect(card).toBeVisible({ timeout: 1000 });
    await expect(card).toHaveAttribute('data-status', 'open');
    await expect(card).toContainText('Queue Sales');
    await expect(card).toContainText('Caller asks for a manager');
    await expect(card.getByTestId('escalation-waiting')).toHaveText(/^waiting 0:0\d$/);
    await expect(lead.getByTestId('escalation-announcement')).toHaveText('Help request from e1, queue Sales: Caller asks for a manager');
    expect(await beeps(lead)).toBe(2);
    await expect(agent.getByTestId('help-waiting')).toContainText('your lead has been told');
    await keepScreenshot(lead, testInfo, 'lead-help-request');
    await keepScreenshot(agent, testInfo, 'agent-asked-for-help');
    await expectAccessible(lead, '/lead with a help request');
    await expectAccessible(agent, '/agent waiting for help');
    // On a phone too, and nothing wider than it.
    for (const page of [lead, agent]) {
      await page.setViewportSize({ width: 390, height: 844 });
      await expectAccessible(page, `${new URL(page.url()).pathname} on a phone`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await page.setViewportSize({ width: 1440, height: 900 });
    }

    await card.getByTestId('escalation-take').click();
    await expect(agent.getByTestId('help-status')).toHaveText('esme-lead is on the way.', { timeout: 1000 });
    await expect(card.getByTestId('escalation-resolve')).toBeFocused();
    await card.getByTestId('escalation-resolve').click();
    await expect(agent.getByTestId('help-status')).toHaveText('Resolved by esme-lead.');
    await expect(lead.getByTestId('escalation')).toHaveCount(0);
    await expect(lead.getByRole('heading', { name: 'Help requests' })).toBeFocused();
    await expect(lead.getByTestId('escalations-stats')).toContainText('1 today');

    // The log has it with its times.
    const log = await (await lead.request.get(`${server.url}/api/v1/escalations?team=esc`)).json();
    expect(log[0]).toMatchObject({ agent: 'e1', callId, queue: 'sales', status: 'resolved', takenBy: { name: 'esme-lead' } });
    expect(log[0].timeToResolveMs).toBeGreaterThanOrEqual(log[0].timeToTakeMs);
    // And the lead's report of its team counts it, with the same mean time to take.
    await lead.goto(`${server.url}/reports`);
    await expect(lead.getByTestId('reports-scope')).toHaveValue('team:esc');
    const row = lead.getByTestId('esc-report-row');
    await expect(row).toHaveCount(1);
    await expect(row.locator('td').nth(1)).toHaveText('1');
    await expect(row.locator('td').nth(2)).toHaveText('0');
    const take = Math.floor(log[0].timeToTakeMs / 1000);
    await expect(row.locator('td').nth(3)).toHaveText(`${Math.floor(take / 60)}:${String(take % 60).padStart(2, '0')}`);
    await Promise.all([lead, agent].map((p) => p.context().close()));
  });

  test('a muted lead hears nothing (remembered after a reload); it closes by itself when the call ends', async ({ browser, server }) => {
    const callId = await onCall(server, 2);
    const lead = await signInAs(browser, server, 'esme-lead', 'esme-password-1', { lands: '/lead' });
    await countBeeps(lead);
    await lead.getByTestId('escalations-mute').click();
    await expect(lead.getByTestId('escalations-mute')).toHaveAttribute('aria-pressed', 'true');
    await lead.reload();
    await expect(lead.getByTestId('escalations-mute')).toHaveAttribute('aria-pressed', 'true');
    const agent = await signInAs(browser, server, 'ezra-agent', 'ezra-password-1', { lands: '/agent' });
    await agent.getByTestId('help-ask').click();
    await expect(lead.getByTestId('escalation-announcement')).toHaveText('Help request from e1, queue Sales');
    expect(await beeps(lead)).toBe(0);

    await server.send([
      { id: `${callId}-e`, type: 'call.ended', ts: Date.now() - 2000, callId },
      { id: `${callId}-w`, type: 'call.wrapped', ts: Date.now() - 1000, callId },
    ]);
    await expect(agent.getByTestId('help-status')).toHaveText('Closed: the call ended.');
    await expect(lead.getByTestId('escalation')).toHaveCount(0);
    await lead.getByTestId('escalations-mute').click();
    await expect(lead.getByTestId('escalations-mute')).toHaveAttribute('aria-pressed', 'false');
    await Promise.all([lead, agent].map((p) => p.context().close()));
  });

  test('a lead hands it to another lead, who sees it marked and takes it', async ({ browser, server }) => {
    await onCall(server, 3);
    const esme = await signInAs(browser, server, 'esme-lead', 'esme-password-1', { lands: '/lead' });
    const eli = await signInAs(browser, server, 'eli-lead', 'eli-password-1', { lands: '/lead' });
    const agent = await signInAs(browser, server, 'ezra-agent', 'ezra-password-1', { lands: '/agent' });
    await agent.getByTestId('help-ask').click();
    const mine = esme.getByTestId('escalation').filter({ hasText: 'e1' });
    await mine.getByTestId('escalation-to').selectOption({ label: 'eli-lead' });
    await mine.getByTestId('escalation-handoff').click();
    const theirs = eli.getByTestId('escalation').filter({ hasText: 'Handed to eli-lead by esme-lead' });
    await expect(theirs).toBeVisible({ timeout: 1000 });
    await expectAccessible(eli, '/lead with a handed-on request');
    await theirs.getByTestId('escalation-take').click();
    await expect(agent.getByTestId('help-status')).toHaveText('eli-lead is on the way.', { timeout: 1000 });
    await expect(esme.getByTestId('escalation').getByTestId('escalation-taken')).toHaveText('eli-lead is on the way');
    await expect(esme.getByTestId('escalation-resolve')).toHaveCount(0);
    await eli.getByTestId('escalation').filter({ hasText: 'e1' }).getByTestId('escalation-resolve').click();
    await expect(agent.getByTestId('help-status')).toHaveText('Resolved by eli-lead.');
    await Promise.all([esme, eli, agent].map((p) => p.context().close()));
  });

  test('with the keyboard only: the agent asks, the lead takes and resolves', async ({ browser, server }) => {
    await onCall(server, 4);
    const lead = await signInAs(browser, server, 'esme-lead', 'esme-password-1', { lands: '/lead' });
    const agent = await signInAs(browser, server, 'ezra-agent', 'ezra-password-1', { lands: '/agent' });
    await expect(agent.getByTestId('help-ask')).toBeEnabled();
    await tabTo(agent, 'help-reason');
    await agent.keyboard.type('Keyboard only');
    await agent.keyboard.press('Enter');
    const card = lead.getByTestId('escalation').filter({ hasText: 'Keyboard only' });
    await expect(card).toBeVisible({ timeout: 1000 });
    await expect(agent.getByRole('heading', { name: 'Need a hand?' })).toBeFocused();
    await tabTo(lead, 'escalation-take');
    await lead.keyboard.press('Enter');
    await expect(agent.getByTestId('help-status')).toHaveText('esme-lead is on the way.', { timeout: 1000 });
    await expect(card.getByTestId('escalation-resolve')).toBeFocused();
    await lead.keyboard.press('Enter');
    await expect(agent.getByTestId('help-status')).toHaveText('Resolved by esme-lead.');
    await expect(lead.getByRole('heading', { name: 'Help requests' })).toBeFocused();
    await Promise.all([lead, agent].map((p) => p.context().close()));
  });
});
