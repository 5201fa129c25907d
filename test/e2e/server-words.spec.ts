// What the server writes reaches a Spanish screen in Spanish: the automatic "live data delayed" banner (its time
// read from the banner's `since`, in the centre's zone) and a refusal of the API (by its code, never its English).
import { DEFAULT_SETTINGS, expect, test } from './fixtures.ts';
import { signInAs } from './signin.ts';

const CENTRE_TZ = 'America/New_York';
test.use({ settings: { ...DEFAULT_SETTINGS, delayedAfterSeconds: 1 }, env: { WALLBOARD_TZ: CENTRE_TZ } });

test.describe('the server’s words in the screen’s language', () => {
  test('the automatic "live data delayed" banner reads in Spanish, with the last event’s time in the centre’s zone', async ({ browser, server }) => {
    await server.send([{ id: `sw-${Date.now()}`, type: 'agent.state', ts: Date.now(), agent: 'sw-agent', state: 'available' }]);
    const page = await (await browser.newContext({ timezoneId: 'Asia/Tokyo' })).newPage();
    await page.goto(`${server.url}/wall?token=${server.apiToken}&lang=es`);
    const banner = page.locator('[data-testid="banner"][data-source="auto"]');
    await expect(banner).toContainText('Datos en directo con retraso: ningún evento recibido desde las', { timeout: 15_000 });
    await expect(banner).not.toContainText('Live data delayed');

    const list = (await (await fetch(`${server.url}/api/v1/banners`, { headers: { authorization: `Bearer ${server.apiToken}` } })).json()) as {
      id: string;
      since?: string;
    }[];
    const since = list.find((b) => b.id === 'auto:data-delayed')?.since;
    expect(since).toBeDefined();
    const at = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: CENTRE_TZ }).format(new Date(since!));
    await expect(banner).toContainText(`desde las ${at} ${CENTRE_TZ}`);
  });

  test('a refusal reads in Spanish by its code, with the server’s detail naming the field', async ({ browser, server }) => {
    const admin = await signInAs(browser, server, 'admin', 'admin-password-e2e', { next: '/admin?lang=es', lands: '/admin?lang=es' });
    const form = admin.getByTestId('user-form');
    await form.getByLabel('Usuario').fill('admin');
    await form.getByLabel('Contraseña (8 caracteres o más)').fill('another-password');
    await form.getByRole('button').click();
    const error = admin.getByRole('alert');
    await expect(error).toContainText('Ya existe: username');
    await expect(error).not.toContainText('conflict');
  });
});
