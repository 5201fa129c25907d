// The call log and reports screens: each person sees what its role may read, filters, pages and downloads the CSV.
import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures.ts';
import { signInAs } from './signin.ts';

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const SUPERVISOR = { username: 'pia-supervisor', password: 'pia-password-1', role: 'supervisor' };
const AGENT = { username: 'pat-agent', password: 'pat-password-1', role: 'agent', agent: 'pa1' };

test.describe('the past on screen', () => {
  test.beforeAll(async ({ server }) => {
    await server.createUser(SUPERVISOR);
    await server.createUser(AGENT);
    // Half an hour ago, but never before today (UTC, the server's zone) began: the calls page and the reports open on
    // today. Just after midnight the calls start a minute into the day, a few minutes ahead (the server takes 15).
    const at = Math.max(Date.now() - 30 * 60_000, Math.floor(Date.now() / 86_400_000) * 86_400_000 + 60_000);
    let n = 0;
    const call = (callId: string, agent: string | null, caller: string) => {
      const events: unknown[] = [{ id: `${callId}-o`, type: 'call.offered', ts: at + n++ * 60_000, callId, queue: 'pastq', caller }];
      if (agent === null) events.push({ id: `${callId}-x`, type: 'call.abandoned', ts: at + n * 60_000 + 20_000, callId });
      else
        events.push(
          { id: `${callId}-a`, type: 'call.answered', ts: at + n * 60_000 + 5_000, callId, agent },
          { id: `${callId}-e`, type: 'call.ended', ts: at + n * 60_000 + 40_000, callId },
          { id: `${callId}-w`, type: 'call.wrapped', ts: at + n * 60_000 + 50_000, callId, resolved: true },
        );
      return events;
    };
    await server.send([...call('p1', 'pa1', '=SUM(A1)'), ...call('p2', 'pa2', 'Zoë'), ...call('p3', null, '+1 555 0100')]);
  });

  test('a supervisor lists every call, filters, loads them as CSV, and reads the report', async ({ browser, server }) => {
    // Other files' calls share this server: the queue of this file's calls narrows the list to them.
    const page = await signInAs(browser, server, SUPERVISOR.username, SUPERVISOR.password, { next: '/calls' });
    await expect(page.getByTestId('call-row').first()).toBeVisible();
    await page.getByTestId('calls-queue').fill('pastq');
    await page.getByTestId('calls-show').click();
    await expect(page.getByTestId('call-row')).toHaveCount(3);
    await expect(page.getByTestId('call-row').first()).toContainText('+1 555 0100');
    expect((await new AxeBuilder({ page }).withTags(WCAG).analyze()).violations).toEqual([]);

    await page.getByTestId('calls-outcome').selectOption('abandoned');
    await page.getByTestId('calls-show').click();
    await expect(page.getByTestId('call-row')).toHaveCount(1);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('calls-csv').click()]);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.startsWith('\uFEFF"callId"')).toBe(true);
    expect(csv).toContain('"p3","+1 555 0100"');

    await page.goto(`${server.url}/reports`);
    await expect(page.getByTestId('reports-scope')).toHaveValue('all');
    await page.getByTestId('reports-scope').fill('queue:pastq');
    await page.getByTestId('reports-show').click();
    await expect(page.getByTestId('report-row')).toHaveCount(1);
    await expect(page.getByTestId('report-row').locator('td').nth(1)).toHaveText('3');
    expect((await new AxeBuilder({ page }).withTags(WCAG).analyze()).violations).toEqual([]);
    await page.getByTestId('reports-by').selectOption('interval');
    await page.getByTestId('reports-show').click();
    await expect(page.getByTestId('report-row').first()).toBeVisible();
    await page.context().close();
  });

  test('an agent sees only its own calls and its own figures', async ({ browser, server }) => {
    const page = await signInAs(browser, server, AGENT.username, AGENT.password, { lands: '/agent' });
    await page.goto(`${server.url}/calls`);
    await expect(page.getByTestId('call-row')).toHaveCount(1);
    await expect(page.getByTestId('call-row')).toContainText('=SUM(A1)');
    await page.goto(`${server.url}/reports`);
    await expect(page.getByTestId('reports-scope')).toHaveValue('agent:pa1');
    await expect(page.getByTestId('report-row')).toHaveCount(1);
    await page.getByTestId('reports-scope').fill('all');
    await page.getByTestId('reports-show').click();
    await expect(page.getByRole('alert')).toContainText('may not read all');
    await page.context().close();
  });

  test('the reports page draws the day against last week and the month by day, with targets and tables; a call opens its timeline', async ({
    browser,
    server,
  }) => {
    const queue = `chartq${Date.now()}`;
    // One call a minute into a quarter hour already past (or, in the first ten minutes of the day, into the first quarter
    // of today: the calls page opens on today), and one at the same time of day a week before (the server's zone is
    // UTC). The whole call, transfer included, stays inside that quarter hour whatever the clock reads.
    const quarter = 900_000;
    const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    const now = Math.max(Math.floor((Date.now() - 600_000) / quarter) * quarter, today) + 60_000;
    const weekAgo = now - 7 * 86_400_000;
    const day = new Date(now).toISOString().slice(0, 10);
    const events = [
      { id: `${queue}-o1`, type: 'call.offered', ts: now, callId: `${queue}-c1`, queue, caller: '+44 1' },
      { id: `${queue}-a1`, type: 'call.answered', ts: now + 10_000, callId: `${queue}-c1`, agent: `${queue}-ag` },
      { id: `${queue}-t1`, type: 'call.transferred', ts: now + 100_000, callId: `${queue}-c1`, target: 'billing' },
      { id: `${queue}-o2`, type: 'call.offered', ts: weekAgo, callId: `${queue}-c2`, queue },
    ];
    await server.send(events);
    const page = await signInAs(browser, server, SUPERVISOR.username, SUPERVISOR.password, { next: '/reports' });
    await expect(page.getByTestId('reports-scope')).toHaveValue('all');
    await page.getByTestId('reports-scope').fill(`queue:${queue}`);
    await page.getByTestId('reports-day').fill(day);
    await page.getByTestId('reports-month').fill(day.slice(0, 7));
    await page.getByTestId('reports-show').click();
    // The day against the same weekday a week before: the quarter hour of both calls, one offered on each day.
    await expect(page.getByTestId('vs-row')).toHaveCount(1);
    await expect(page.getByTestId('vs-row').locator('td').nth(1)).toHaveText('1');
    await expect(page.getByTestId('vs-row').locator('td').nth(2)).toHaveText('1');
    await expect(page.getByTestId('vs-chart')).toHaveAttribute('data-points', '1');
    await expect(page.getByTestId('vs-chart')).toHaveAttribute('data-series', /Target$/);
    // The month by day, with its targets dashed beside each figure, and AHT against its own.
    await expect(page.getByTestId('month-rates-chart')).toHaveAttribute('data-series', /CSAT target/);
    await expect(page.getByTestId('month-aht-chart')).toHaveAttribute('data-series', 'AHT|AHT target');
    expect((await new AxeBuilder({ page }).withTags(WCAG).analyze()).violations).toEqual([]);

    await page.goto(`${server.url}/calls`);
    await page.getByTestId('calls-queue').fill(queue);
    await page.getByTestId('calls-show').click();
    await expect(page.getByTestId('call-row')).toHaveCount(1);
    await page.getByRole('button', { name: `Timeline of call ${queue}-c1` }).click();
    const timeline = page.getByTestId('call-timeline');
    await expect(timeline.getByTestId('timeline-moment')).toHaveText([/offered to chartq/, /answered by chartq/, /transferred to billing/]);
    await expect(timeline.getByRole('heading')).toBeFocused();
    expect((await new AxeBuilder({ page }).withTags(WCAG).analyze()).violations).toEqual([]);
    await page.context().close();
  });
});
