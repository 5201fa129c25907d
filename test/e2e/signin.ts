// Signing in through the sign-in page in a fresh browser context, as a person would.
import type { Browser, Page } from '@playwright/test';
import type { WallboardServer } from './fixtures.ts';

interface SignInOptions {
  /** Where the sign-in page sends the person afterwards (`?next=`); unset: the role's own screen. */
  next?: string;
  /** The screen expected after signing in (default `next`). */
  lands?: string;
  viewport?: { width: number; height: number };
}

export async function signInAs(browser: Browser, server: WallboardServer, username: string, password: string, opts: SignInOptions = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/login${opts.next ? `?next=${encodeURIComponent(opts.next)}` : ''}`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  const lands = opts.lands ?? opts.next;
  if (lands) await page.waitForURL(`**${lands}`);
  return page;
}
