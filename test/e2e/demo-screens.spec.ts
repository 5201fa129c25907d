// The demo's floor (scripts/lib/floor) on the wall, the lead's console and the agent's view: each shows a moving floor.
// `WALLBOARD_DOCS=1 npx playwright test demo-screens` retakes the README's pictures from it.
import { demoSettings, QUEUES, TEAMS } from '../../scripts/lib/floor/centre.ts';
import { createFeed } from '../../scripts/lib/floor/feed.ts';
import { agentOnShift } from '../../scripts/lib/floor/people.ts';
import { afternoonZone } from '../../scripts/lib/floor/zone.ts';
import { expect, keepScreenshot, test } from './fixtures.ts';
import { signInAs } from './signin.ts';

// Where it is early afternoon now, as `npm run demo` chooses: the morning is on the board.
const tz = afternoonZone(Date.now());
const team = TEAMS[0]!;
const agent = agentOnShift(Date.now(), tz);
/** A count above zero, as the screens write it (1,234). */
const COUNT = /^[1-9][\d,]*$/;
const docs = (name: string) => (process.env.WALLBOARD_DOCS ? `docs/${name}.png` : undefined);

test.use({ settings: demoSettings(), env: { WALLBOARD_TZ: tz } });

test.describe.serial('the demo floor on every screen', () => {
  let timer: NodeJS.Timeout | undefined;

  test.beforeAll(async ({ server }) => {
    const feed = createFeed({ url: server.url, token: server.ingestToken, seed: 'demo', tz, speed: 1 });
    expect(await feed.tick()).toBeGreaterThan(1000);
    // Live from here on, as the demo's simulator runs.
    timer = setInterval(() => void feed.tick().catch(() => undefined), 1000);
    await server.createUser({ username: team.lead, password: 'demo-lead-password', role: 'lead', teams: [team.id] });
    await server.createUser({ username: agent, password: 'demo-agent-password', role: 'agent', agent });
  });
  test.afterAll(() => clearInterval(timer));

  test('the wall: every demo queue with its figures, the centre totals, agents in every state', async ({ page, server }, testInfo) => {
    await page.goto(`${server.url}/wall?token=${server.apiToken}`);
    for (const queue of QUEUES) await expect(page.getByTestId(`queue-tile-${queue.id}`).getByTestId('offered')).toHaveText(COUNT);
    await expect(page.getByTestId('total-sl')).toHaveText(/^\d+%$/);
    await expect(page.getByTestId('agents-onCall')).toHaveText(COUNT);
    await expect(page.getByTestId('intraday-chart')).not.toHaveAttribute('data-intervals', '0');
    await keepScreenshot(page, testInfo, 'wall', docs('wall'));
  });

  test("the lead's console: the team's agents live", async ({ browser, server }, testInfo) => {
    const page = await signInAs(browser, server, team.lead, 'demo-lead-password', { next: '/lead' });
    await expect(page.getByTestId('team-handled')).toHaveText(COUNT);
    for (const name of team.agents.slice(0, 3)) await expect(page.getByTestId(`agent-row-${name}`)).toBeVisible();
    await keepScreenshot(page, testInfo, 'lead', docs('lead'));
  });

  test("the agent's view: their own figures today", async ({ browser, server }, testInfo) => {
    const page = await signInAs(browser, server, agent, 'demo-agent-password', { next: '/agent' });
    await expect(page.getByTestId('my-handled')).toHaveText(COUNT);
    await keepScreenshot(page, testInfo, 'agent', docs('agent'));
  });
});
