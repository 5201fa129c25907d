// `npm run demo` itself, as someone runs it: it prints every URL, the figures move, and Ctrl-C stops every process it started.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { io } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { isRunning, portRefuses, stopGroup } from './support/processes.ts';

const apiToken = 'demo-test-api-token-0123456789';

describe('npm run demo', () => {
  let dir: string;
  let group: number | undefined;
  afterAll(async () => {
    // A failed run must not leave the demo's processes behind: stop the group it started, then its folder.
    stopGroup(group);
    await rm(dir, { recursive: true, force: true });
  });

  it('starts the server, its Redis and the simulator, prints the URLs, moves the figures, and stops them all on Ctrl-C', async () => {
    dir = await mkdtemp(join(tmpdir(), 'wallboard-demo-'));
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', WALLBOARD_API_TOKEN: apiToken, WALLBOARD_DEMO_DIR: dir };
    delete env.WALLBOARD_TZ;
    delete env.REDIS_URL;
    // Its own process group, as in a terminal, so SIGINT to the group is Ctrl-C.
    const demo = spawn('npm', ['run', '--silent', 'demo'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    group = demo.pid;
    const lines: string[] = [];
    createInterface({ input: demo.stderr! }).on('line', (line) => lines.push(line));
    const closed = new Promise((resolve) => demo.stdout!.once('close', resolve));
    const ready = await new Promise<string>((resolve, reject) => {
      createInterface({ input: demo.stdout! }).on('line', (line) => {
        lines.push(line);
        if (line.startsWith('processes:')) resolve(line);
      });
      demo.once('exit', (code) => reject(new Error(`the demo exited (${code}):\n${lines.join('\n')}`)));
    });

    const [, url] = /Wall\s+(http:\/\/localhost:\d+)\/wall\?token=(\S+)/.exec(lines.join('\n')) ?? [];
    expect(lines.join('\n')).toContain(`/wall?token=${apiToken}`);
    const screens: [string, string][] = [
      ['Supervisor', '/wall'],
      ['Team lead', '/lead'],
      ['Agent', '/agent'],
    ];
    for (const [title, screen] of screens) {
      const row = lines.find((l) => l.trim().startsWith(title))!;
      expect(row, title).toContain(`${url}/login?next=${encodeURIComponent(screen)}`);
      const [, username, password] = /user (\S+)\s+password (\S+)/.exec(row)!;
      const signIn = await fetch(`${url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      expect(signIn.status, `${title} signs in`).toBe(200);
    }
    const [, serverPid, redisPort, floorPid] = /server (\d+), redis-server port (\d+), simulator (\d+)/.exec(ready)!.map(Number);

    const res = await fetch(`${url}/api/v1/metrics?scope=all`, { headers: { authorization: `Bearer ${apiToken}` } });
    const first = await res.json();
    expect(first.offered).toBeGreaterThan(0);
    // The floor is live: a push with other figures than the first comes by itself.
    const socket = io(url!, { auth: { token: apiToken }, transports: ['websocket'], reconnection: false });
    const moved = await new Promise<any>((resolve) => {
      socket.on('metrics', (m: any) => {
        if (m.scope === 'all' && (m.offered !== first.offered || m.handled !== first.handled || JSON.stringify(m.agents) !== JSON.stringify(first.agents)))
          resolve(m);
      });
      socket.emit('subscribe', { scope: 'all' }, () => undefined);
    });
    socket.disconnect();
    expect(moved.offered).toBeGreaterThanOrEqual(first.offered);

    process.kill(-demo.pid!, 'SIGINT');
    await closed;
    expect(lines).toContain('demo: stopped');
    expect(isRunning(serverPid!), 'server').toBe(false);
    expect(isRunning(floorPid!), 'simulator').toBe(false);
    expect(await portRefuses(redisPort!), 'redis-server').toBe(true);
  }, 240_000);
});
