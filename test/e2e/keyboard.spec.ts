// Coaching with the keyboard only: the lead sends a prompt with Tab, typing and Enter; the agent acknowledges
// and replies the same way. No mouse click after signing in.
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { signInAs } from './signin.ts';

/**
 * Presses Tab until the element with this test id has the focus (at most `limit` times), so it is reachable by
 * keyboard; `inCardWith`: only the one inside the prompt card holding that text.
 */
async function tabTo(page: Page, testid: string, inCardWith?: string, limit = 80): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const reached = await page.evaluate(
      ([id, words]) => {
        const el = document.activeElement as HTMLElement | null;
        if (el?.dataset.testid !== id) return false;
        return words === undefined || (el.closest('[data-testid="prompt-card"]')?.textContent ?? '').includes(words);
      },
      [testid, inCardWith] as const,
    );
    if (reached) return;
  }
  throw new Error(`${testid} not reached with ${limit} presses of Tab`);
}

test.describe('coaching with the keyboard only', () => {
  test.beforeAll(async ({ server }) => {
    await server.createUser({ username: 'kurt-lead', password: 'kurt-password-1', role: 'lead', teams: ['red'] });
    await server.createUser({ username: 'kira-agent', password: 'kira-password-1', role: 'agent', agent: 'r1' });
  });

  test('the lead sends, the agent acknowledges and replies, all with Tab, typing and Enter', async ({ browser, server }) => {
    const agent = await signInAs(browser, server, 'kira-agent', 'kira-password-1', { lands: '/agent' });
    const lead = await signInAs(browser, server, 'kurt-lead', 'kurt-password-1', { lands: '/lead' });
    const text = `Keyboard prompt ${Date.now()}`;

    await expect(lead.getByTestId('prompt-form')).toBeVisible();
    await tabTo(lead, 'prompt-to');
    await lead.keyboard.type('r1'); // a closed <select> picks the option its typed letters start
    await expect(lead.getByTestId('prompt-to')).toHaveValue('agent:r1');
    await tabTo(lead, 'prompt-text');
    await lead.keyboard.type(text);
    await tabTo(lead, 'prompt-high');
    await lead.keyboard.press('Space');
    await expect(lead.getByTestId('prompt-high')).toBeChecked();
    await tabTo(lead, 'prompt-send');
    await lead.keyboard.press('Enter');

    // Confirmed in a polite live region, and the form starts over.
    await expect(lead.getByTestId('prompt-sent')).toHaveText('Sent to r1 (high priority).');
    await expect(lead.getByTestId('prompt-sent')).toHaveAttribute('role', 'status');
    await expect(lead.getByTestId('prompt-to')).toHaveValue('team:red');
    await expect(lead.getByTestId('prompt-template')).toHaveValue('');
    await expect(lead.getByTestId('prompt-text')).toHaveValue('');
    await expect(lead.getByTestId('prompt-high')).not.toBeChecked();

    const card = agent.getByTestId('prompt-card').filter({ hasText: text });
    await expect(card).toBeVisible({ timeout: 1000 });
    await expect(agent.getByTestId('prompt-announcement')).toContainText(`New prompt from kurt-lead, high priority: ${text}`);
    const status = lead.getByTestId('prompt-row').filter({ hasText: text }).getByTestId('prompt-status');
    await expect(status).toHaveText('delivered');

    await tabTo(agent, 'prompt-ack', text);
    await agent.keyboard.press('Enter');
    await expect(status).toHaveText('acknowledged', { timeout: 1000 });
    // The button is gone: focus moved on, to the next prompt waiting or to the list's heading, not to the page.
    await expect
      .poll(() =>
        agent.evaluate(
          () => document.activeElement?.id === 'prompts-title' || (document.activeElement as HTMLElement | null)?.dataset.testid === 'prompt-card',
        ),
      )
      .toBe(true);

    await tabTo(agent, 'prompt-reply-text', text);
    await agent.keyboard.type('On it');
    await agent.keyboard.press('Enter');
    await expect(status).toHaveText('replied', { timeout: 1000 });
    await expect(lead.getByTestId('prompt-row').filter({ hasText: text }).getByTestId('prompt-reply')).toHaveText('On it');
    await Promise.all([agent.context().close(), lead.context().close()]);
  });
});
