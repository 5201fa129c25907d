// Quality evaluations in real Chromium: a lead scores a call on a published form with the live score and releases it;
// the agent, in a second browser, comments, acknowledges and assesses itself; the lead sees all of it live. Axe-clean at 390 px.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { keepScreenshot, test, expect } from './fixtures.ts';
import { signInAs } from './signin.ts';

const PHONE = { width: 390, height: 844 };

async function expectAccessible(page: Page, what: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  expect(violations.map((v) => `${what}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth), `${what}: sideways scroll`).toBeLessThanOrEqual(PHONE.width);
}

test.describe('quality evaluations', () => {
  test.beforeAll(async ({ server }) => {
    const team = await fetch(`${server.url}/api/v1/teams/qa-team`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${server.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'QA team', agents: ['q1'] }),
    });
    expect(team.status).toBe(200);
    await server.createUser({ username: 'quinn', password: 'quinn-password-1', role: 'lead', teams: ['qa-team'] });
    await server.createUser({ username: 'quentin', password: 'quentin-password-1', role: 'agent', agent: 'q1' });
    const form = await server.post('/api/v1/qa/forms', {
      id: 'e2e-inbound',
      name: 'Inbound E2E',
      sections: [
        {
          title: 'Opening',
          questions: [
            { id: 'greet', text: 'Greets the caller', kind: 'yesno', weight: 1 },
            { id: 'dpa', text: 'Checks identity', kind: 'yesno', weight: 1, critical: true },
          ],
        },
        { title: 'Manner', questions: [{ id: 'tone', text: 'Tone of voice', kind: 'scale', weight: 2 }] },
      ],
    });
    expect([201, 409]).toContain(form.status);
    expect([200, 409]).toContain((await server.post('/api/v1/qa/forms/e2e-inbound/publish', {})).status);
  });

  test('a lead evaluates a call; the agent comments and acknowledges in a second browser; the lead sees it live', async ({ browser, server }, testInfo) => {
    const now = Date.now();
    const callId = `qa-call-${now}`;
    await server.send([
      { id: `${callId}-1`, type: 'call.offered', ts: now - 120_000, callId, queue: 'sales' },
      { id: `${callId}-2`, type: 'call.answered', ts: now - 110_000, callId, agent: 'q1' },
      { id: `${callId}-3`, type: 'call.ended', ts: now - 20_000, callId },
    ]);
    const lead = await signInAs(browser, server, 'quinn', 'quinn-password-1', { next: '/quality', viewport: PHONE });
    const agent = await signInAs(browser, server, 'quentin', 'quentin-password-1', { lands: '/agent', viewport: PHONE });
    await expect(agent.getByTestId('qa-agent-panel')).toBeVisible();

    await lead.getByTestId('qa-call').fill(callId);
    await lead.getByTestId('qa-agent').fill('q1');
    await lead.getByTestId('qa-form').selectOption('e2e-inbound');
    const answer = (question: string) => lead.locator(`[data-testid="qa-answer"][data-question="${question}"]`);
    await answer('greet').selectOption('yes');
    await answer('dpa').selectOption('yes');
    await expect(lead.getByTestId('qa-live-score')).toHaveText('100%');
    await answer('tone').selectOption('3');
    // (1 + 1 + 2 × 0.5) / 4
    await expect(lead.getByTestId('qa-live-score')).toHaveText('75%');
    await answer('dpa').selectOption('no');
    await expect(lead.getByTestId('qa-live-score')).toHaveText('0%');
    await answer('dpa').selectOption('yes');
    await expectAccessible(lead, '/quality');
    await lead.getByTestId('qa-release').click();
    await expect(lead.getByTestId('qa-saved')).toBeVisible();

    const mine = agent.getByTestId('qa-evaluation').filter({ hasText: callId });
    await expect(mine.getByTestId('qa-score')).toHaveText('75%');
    await expectAccessible(agent, '/agent');
    await mine.getByTestId('qa-comment-text').fill('I will slow down next time');
    await mine.getByTestId('qa-comment-send').click();
    const seen = lead.getByTestId('qa-evaluation').filter({ hasText: callId });
    await expect(seen.getByTestId('qa-comment')).toContainText('I will slow down next time');
    await mine.getByTestId('qa-acknowledge').click();
    await expect(seen.getByTestId('qa-acknowledged')).toBeVisible();
    await expect(mine.getByTestId('qa-acknowledge')).toHaveCount(0);
    // The agent assesses the same call on the same form; the lead sees it beside its own, live.
    await mine.getByTestId('qa-self-start').click();
    const own = (question: string) => agent.locator(`[data-testid="qa-answer"][data-question="${question}"]`);
    await own('greet').selectOption('yes');
    await own('dpa').selectOption('yes');
    await own('tone').selectOption('5');
    await expect(agent.getByTestId('qa-live-score')).toHaveText('100%');
    await agent.getByTestId('qa-self-submit').click();
    await expect(lead.locator('[data-testid="qa-evaluation"][data-kind="self"]').getByTestId('qa-score')).toHaveText('100%');
    await keepScreenshot(lead, testInfo, 'quality-lead-phone');
    await keepScreenshot(agent, testInfo, 'agent-quality-phone');

    // The release fed the quality figures: the agent's QA is the score (the self-assessment does not count).
    const figures = await fetch(`${server.url}/api/v1/metrics?scope=agent:q1`, { headers: { authorization: `Bearer ${server.apiToken}` } });
    expect(await figures.json()).toMatchObject({ evaluations: 1, qaScore: 0.75 });
    await Promise.all([lead, agent].map((p) => p.context().close()));
  });

  test('a team lead designs a form in the browser and publishes it as version 1', async ({ browser, server }) => {
    const page = await signInAs(browser, server, 'quinn', 'quinn-password-1', { next: '/quality', viewport: PHONE });
    await page.getByTestId('qa-new-form').click();
    await page.getByTestId('qa-form-id').fill('e2e-designed');
    await page.getByTestId('qa-form-name').fill('Designed in the browser');
    await page.getByTestId('qa-section-title').fill('Opening');
    await page.getByTestId('qa-question-text').fill('Greets the caller');
    await page.getByTestId('qa-add-question').click();
    await page.getByTestId('qa-question-text').nth(1).fill('Tone of voice');
    await page.getByTestId('qa-question-kind').nth(1).selectOption('scale');
    await page.getByTestId('qa-question-weight').nth(1).fill('3');
    await page.getByTestId('qa-question-critical').first().check();
    await expectAccessible(page, '/quality (designer)');
    await page.getByTestId('qa-form-publish').click();
    await expect(page.getByTestId('qa-form-saved')).toHaveText('version 1 published');
    await expect(page.getByTestId('qa-forms')).toContainText('Designed in the browser');
    const form = await fetch(`${server.url}/api/v1/qa/forms/e2e-designed/versions/1`, { headers: { authorization: `Bearer ${server.apiToken}` } });
    expect((await form.json()).sections[0].questions).toMatchObject([
      { id: 'q1', text: 'Greets the caller', kind: 'yesno', weight: 1, critical: true },
      { id: 'q2', text: 'Tone of voice', kind: 'scale', weight: 3, critical: false },
    ]);
    await page.context().close();
  });
});
