// The centre's language and clock: a wall opened with ?lang=es speaks Spanish (and keeps it), numbers follow the
// centre's locale (de), every time is in the centre's zone (New York) whatever the screen's own (Tokyo), and a lost
// connection says so in words, never in the transport's.
import { DEFAULT_SETTINGS, expect, test } from './fixtures.ts';

const CENTRE_TZ = 'America/New_York';
test.use({ settings: { ...DEFAULT_SETTINGS, locale: 'de' }, env: { WALLBOARD_TZ: CENTRE_TZ } });

test.describe('language and time zone', () => {
  test('the config serves the centre locale', async ({ server }) => {
    const res = await fetch(`${server.url}/api/v1/config`, { headers: { authorization: `Bearer ${server.apiToken}` } });
    expect(await res.json()).toMatchObject({ locale: 'de', tz: CENTRE_TZ });
  });

  test('?lang=es: Spanish labels, kept for the session; numbers in the centre locale', async ({ browser, server }) => {
    const page = await (await browser.newContext({ timezoneId: 'Asia/Tokyo', viewport: { width: 1920, height: 1080 } })).newPage();
    await page.goto(`${server.url}/wall?token=${server.apiToken}&lang=es`);
    await expect(page.locator('h1')).toHaveText('Centro de contacto');
    await expect(page.locator('html')).toHaveAttribute('lang', 'es');
    const totals = page.getByTestId('totals');
    await expect(totals).toContainText('NS del centro');
    await expect(totals).toContainText('Ofrecidas');
    await expect(page.getByRole('region', { name: 'Agentes por estado' })).toContainText('En llamada');
    await expect(page.getByTestId('freshness')).toHaveText('en directo');
    // German percentages (a space before %), whatever the language of the words.
    await expect(page.locator('.formula')).toContainText('CSAT ≥ 85\u00a0%');

    // Without ?lang= now: the choice stays for the session.
    await page.goto(`${server.url}/wall`);
    await expect(page.locator('h1')).toHaveText('Centro de contacto');
  });

  test("without ?lang= the centre's language (de, no catalogue: English); the clock in the centre's zone", async ({ browser, server }) => {
    const page = await (await browser.newContext({ timezoneId: 'Asia/Tokyo' })).newPage();
    await page.goto(`${server.url}/wall?token=${server.apiToken}`);
    await expect(page.locator('h1')).toHaveText('Contact centre');
    await expect(page.getByTestId('clock-zone')).toHaveText(CENTRE_TZ);
    const clock = (await page.getByTestId('clock').textContent())!;
    const hour = Number(clock.slice(0, 2));
    const expected = Number(new Intl.DateTimeFormat('en', { hour: '2-digit', hourCycle: 'h23', timeZone: CENTRE_TZ }).format(new Date()));
    // Within the hour either side (the page's clock and this one may straddle an hour's turn).
    expect([expected, (expected + 23) % 24, (expected + 1) % 24]).toContain(hour);
  });

  test("a banner's time is the centre's, labelled with its zone, on the wall and in the history", async ({ browser, server }) => {
    const message = `Telephony degraded ${Date.now()}`;
    const raised = await server.post('/api/v1/banners', { severity: 'warning', message });
    expect(raised.status).toBe(201);
    const list = (await (await fetch(`${server.url}/api/v1/banners`, { headers: { authorization: `Bearer ${server.apiToken}` } })).json()) as {
      id: string;
      createdAt: string;
    }[];
    const createdAt = list.find((b) => b.id === raised.body.id)!.createdAt;
    const at = new Intl.DateTimeFormat('de', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: CENTRE_TZ }).format(new Date(createdAt));
    const tokyo = new Intl.DateTimeFormat('de', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Asia/Tokyo' }).format(new Date(createdAt));
    expect(at).not.toBe(tokyo);

    const page = await (await browser.newContext({ timezoneId: 'Asia/Tokyo' })).newPage();
    await page.goto(`${server.url}/wall?token=${server.apiToken}&lang=es`);
    const banner = page.getByTestId('banner').filter({ hasText: message });
    await expect(banner.getByTestId('banner-time')).toHaveText(`desde las ${at} ${CENTRE_TZ}`);
    await expect(banner).toContainText('AVISO');

    const supervisor = await (await browser.newContext({ timezoneId: 'Asia/Tokyo' })).newPage();
    await supervisor.goto(`${server.url}/login?next=/supervisor`);
    await supervisor.getByTestId('login-username').fill('admin');
    await supervisor.getByTestId('login-password').fill('admin-password-e2e');
    await supervisor.getByTestId('login-submit').click();
    await supervisor.waitForURL('**/supervisor');
    // The history gives the time of its own entry (a few milliseconds after the banner's createdAt: a minute may turn).
    const history = (await (await fetch(`${server.url}/api/v1/banners/history`, { headers: { authorization: `Bearer ${server.apiToken}` } })).json()) as {
      at: string;
      action: string;
      banner: { id: string };
    }[];
    const raisedAt = history.find((h) => h.banner.id === raised.body.id && h.action === 'raised')!.at;
    const atInHistory = new Intl.DateTimeFormat('de', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: CENTRE_TZ }).format(new Date(raisedAt));
    await expect(supervisor.getByTestId('banner-history').filter({ hasText: message }).first()).toContainText(`${atInHistory} ${CENTRE_TZ} · raised · WARNING`);
  });

  test('a lost connection reads "Conexión perdida — reintentando", never the transport error', async ({ browser, server }) => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.url}/wall?token=${server.apiToken}&lang=es`);
    await expect(page.getByTestId('freshness')).toHaveText('en directo');
    await server.kill();
    try {
      const reconnecting = page.getByTestId('reconnecting');
      await expect(reconnecting).toContainText('Reconectando…', { timeout: 5000 });
      await expect(reconnecting.getByTestId('connection-why')).toHaveText('(Conexión perdida — reintentando)', { timeout: 5000 });
      await expect(reconnecting).not.toContainText('error');
    } finally {
      await server.start();
    }
    await expect(page.getByTestId('reconnecting')).toHaveCount(0, { timeout: 15_000 });
  });
});
