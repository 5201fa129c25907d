// `npm run verify` against a running test server, as an operator runs it: "no difference" means every counter of the
// day equals a recomputation from the stored events.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import type { TestApp } from './app.ts';

export async function verifyFindsNoDifference(app: TestApp, day: string): Promise<void> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/verify.ts', '--day', day], {
    env: { ...process.env, URL: app.url, WALLBOARD_API_TOKEN: app.apiToken },
    timeout: 60_000,
  });
  expect(stdout).toMatch(/no difference/);
}
