// Playwright fixtures: a real server (child process, port of its own) over a real redis-server per test file.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect, type Page, type TestInfo } from '@playwright/test';
import { freePort, startEmbeddedRedis, type EmbeddedRedis } from '../../server/redis/embedded.ts';

export interface WallboardServer {
  url: string;
  ingestToken: string;
  apiToken: string;
  /** Kills the server process outright (no clean shutdown). */
  kill(): Promise<void>;
  /** Starts it again on the same port and Redis. */
  start(): Promise<void>;
  post(path: string, body: unknown, token?: string): Promise<{ status: number; body: any }>;
  send(events: unknown[]): Promise<void>;
  /** Creates a person through the API as the bootstrap admin. */
  createUser(user: { username: string; password: string; role: string; agent?: string; teams?: string[] }): Promise<void>;
}

/** The settings file the server starts with; a file that sets its own (`test.use({ settings })`) gets a server of its own. */
export const DEFAULT_SETTINGS = {
  queues: [
    { id: 'sales', name: 'Sales', serviceLevelTarget: 0.8 },
    { id: 'support', name: 'Support', serviceLevelTarget: 0.8 },
  ],
  teams: [{ id: 'red', name: 'Red team', agents: ['r1', 'r2'] }],
};

export const test = base.extend<object, { server: WallboardServer; settings: object; env: Record<string, string>; firstStart: boolean }>({
  settings: [DEFAULT_SETTINGS, { scope: 'worker', option: true }],
  /** More environment for the server (`test.use({ env: { WALLBOARD_TZ: … } })`), for a file that starts its own. */
  env: [{}, { scope: 'worker', option: true }],
  /**
   * `test.use({ firstStart: true })`: a server that has never received an event (its wall shows the first-start
   * message). Otherwise the server gets one call of yesterday, offered and abandoned, so screens show their figures
   * from the start, and today's figures, the live ones and the queues seen are those the tests send.
   */
  firstStart: [false, { scope: 'worker', option: true }],
  server: [
    async ({ settings: settingsFile, env: extraEnv, firstStart }, use) => {
      const dir = await mkdtemp(join(tmpdir(), 'wallboard-e2e-'));
      const redis: EmbeddedRedis = await startEmbeddedRedis({ dir: join(dir, 'redis') });
      const port = await freePort();
      const settings = join(dir, 'wallboard.config.json');
      await writeFile(settings, JSON.stringify(settingsFile));
      const ingestToken = 'e2e-ingest-token-0123456789';
      const apiToken = 'e2e-api-token-0123456789abcd';
      let child: ChildProcess | undefined;
      const url = `http://127.0.0.1:${port}`;

      const start = () =>
        new Promise<void>((resolve, reject) => {
          child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
            env: {
              ...process.env,
              PORT: String(port),
              REDIS_URL: redis.url,
              WALLBOARD_INGEST_TOKEN: ingestToken,
              WALLBOARD_API_TOKEN: apiToken,
              WALLBOARD_CONFIG: settings,
              WALLBOARD_ADMIN_USER: 'admin',
              WALLBOARD_ADMIN_PASSWORD: 'admin-password-e2e',
              WALLBOARD_DATA_DIR: dir,
              ...extraEnv,
            },
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          let out = '';
          const onData = (chunk: Buffer) => {
            out += chunk.toString();
            if (out.includes('wallboard listening')) resolve();
          };
          child.stdout!.on('data', onData);
          child.stderr!.on('data', onData);
          child.once('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
        });

      const post = async (path: string, body: unknown, token = apiToken) => {
        const res = await fetch(url + path, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : undefined };
      };

      await start();
      if (!firstStart) {
        const queue = (settingsFile as { queues?: { id: string }[] }).queues?.[0]?.id ?? 'sales';
        const yesterday = Date.now() - 86_400_000;
        const seed = [
          { id: 'e2e-seed-1', type: 'call.offered', ts: yesterday, callId: 'e2e-seed', queue },
          { id: 'e2e-seed-2', type: 'call.abandoned', ts: yesterday + 10_000, callId: 'e2e-seed' },
        ];
        expect((await post('/api/v1/events', seed, ingestToken)).status).toBe(202);
      }
      await use({
        url,
        ingestToken,
        apiToken,
        start,
        post,
        async send(events) {
          const res = await post('/api/v1/events', events, ingestToken);
          expect(res.status).toBe(202);
        },
        async createUser(user) {
          const signIn = await fetch(`${url}/api/v1/session`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username: 'admin', password: 'admin-password-e2e' }),
          });
          const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
          const res = await fetch(`${url}/api/v1/users`, {
            method: 'POST',
            headers: { cookie, 'content-type': 'application/json' },
            body: JSON.stringify(user),
          });
          expect([201, 409]).toContain(res.status);
        },
        async kill() {
          const c = child!;
          c.removeAllListeners('exit');
          const gone = new Promise((resolve) => c.once('exit', resolve));
          c.kill('SIGKILL');
          await gone;
        },
      });
      child?.removeAllListeners('exit');
      child?.kill('SIGTERM');
      await redis.stop();
      await rm(dir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
});

export { expect };

/** A 1920×1080 screenshot kept with the test's results (and, when `also` names a file, there too). */
export async function keepScreenshot(page: Page, testInfo: TestInfo, name: string, also?: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path });
  if (also) await copyFile(path, also);
  await testInfo.attach(name, { path, contentType: 'image/png' });
}
