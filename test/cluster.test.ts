// `npm run cluster -- 2` as an operator runs it: two instances on one Redis, an event posted to one is pushed to a
// screen on the other, and Ctrl-C stops both instances and the Redis.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { io } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { portRefuses, stopGroup } from './support/processes.ts';

const apiToken = 'cluster-test-api-token-0123456789';
const ingestToken = 'cluster-test-ingest-token-0123456789';

describe('npm run cluster', () => {
  let dir: string;
  let group: number | undefined;
  afterAll(async () => {
    stopGroup(group);
    await rm(dir, { recursive: true, force: true });
  });

  it('starts N instances on one Redis that share pushes, and stops them all on Ctrl-C', async () => {
    dir = await mkdtemp(join(tmpdir(), 'wallboard-cluster-'));
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', WALLBOARD_API_TOKEN: apiToken, WALLBOARD_INGEST_TOKEN: ingestToken, WALLBOARD_DATA_DIR: dir };
    delete env.REDIS_URL;
    const cluster = spawn('npm', ['run', '--silent', 'cluster', '--', '2'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    group = cluster.pid;
    const lines: string[] = [];
    createInterface({ input: cluster.stderr! }).on('line', (line) => lines.push(line));
    const closed = new Promise((resolve) => cluster.stdout!.once('close', resolve));
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: cluster.stdout! }).on('line', (line) => {
        lines.push(line);
        if (line.startsWith('Tokens')) resolve();
      });
      cluster.once('exit', (code) => reject(new Error(`the cluster exited (${code}):\n${lines.join('\n')}`)));
    });
    const urls = lines.flatMap((l) => /^\s+\[\d\] (http:\/\/localhost:\d+)\/wall\?token=/.exec(l)?.[1] ?? []);
    expect(urls).toHaveLength(2);
    expect(new Set(urls).size).toBe(2);
    const redisPort = Number(/an embedded Redis \(redis:\/\/127\.0\.0\.1:(\d+)\)/.exec(lines.join('\n'))?.[1]);
    expect(redisPort).toBeGreaterThan(0);

    // A screen on the second instance hears of an event posted to the first.
    const socket = io(urls[1]!, { auth: { token: apiToken }, transports: ['websocket'], reconnection: false });
    const queue = `cl-${Date.now()}`;
    const pushed = new Promise<{ offered: number }>((resolve) =>
      socket.on('metrics', (m: { scope: string; offered: number }) => m.scope === `queue:${queue}` && m.offered === 1 && resolve(m)),
    );
    await new Promise((resolve) => socket.emit('subscribe', { scope: `queue:${queue}` }, resolve));
    const posted = await fetch(`${urls[0]}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ingestToken}`, 'content-type': 'application/json' },
      body: JSON.stringify([{ id: `${queue}-1`, type: 'call.offered', ts: new Date().toISOString(), callId: `${queue}-c1`, queue }]),
    });
    expect(posted.status).toBe(202);
    expect((await pushed).offered).toBe(1);
    socket.disconnect();

    process.kill(-cluster.pid!, 'SIGINT');
    await closed;
    expect(lines).toContain('cluster: stopped');
    for (const url of urls) expect(await portRefuses(Number(new URL(url).port)), url).toBe(true);
    expect(await portRefuses(redisPort), 'redis-server').toBe(true);
  }, 120_000);
});
