// One redis-server per data folder: a second wallboard on the same folder (an orphan left by a signal sent to npm
// alone, or `npm start` and `npm run cluster` on ./data) would append to the same append-only file.
import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { freePort, startEmbeddedRedis, type EmbeddedRedis } from '../server/redis/embedded.ts';

describe('the embedded Redis and its data folder', () => {
  const started: EmbeddedRedis[] = [];
  let dir = '';
  afterEach(async () => {
    for (const redis of started.splice(0)) await redis.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a folder a running redis-server holds, naming the folder and its pid', async () => {
    dir = await mkdtemp(join(tmpdir(), 'wallboard-lock-'));
    started.push(await startEmbeddedRedis({ dir }));
    const second = startEmbeddedRedis({ dir }).then((redis) => void started.push(redis)); // stopped after, should it start
    await expect(second).rejects.toThrow(/redis-server \(pid \d+\) is running on .*wallboard-lock-.*: stop it/);
    await started.pop()!.stop();
    started.push(await startEmbeddedRedis({ dir }));
  });

  it('starts on a copy of a running folder (its pid file names a redis-server that runs elsewhere)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'wallboard-lock-'));
    const copy = await mkdtemp(join(tmpdir(), 'wallboard-lock-copy-'));
    try {
      started.push(await startEmbeddedRedis({ dir }));
      await copyFile(join(dir, 'redis-server.pid'), join(copy, 'redis-server.pid'));
      started.push(await startEmbeddedRedis({ dir: copy }));
    } finally {
      for (const redis of started.splice(1)) await redis.stop();
      await rm(copy, { recursive: true, force: true });
    }
  });

  it('stops cleanly the redis-server a wallboard killed outright left on the folder, and starts on its data', async () => {
    dir = await mkdtemp(join(tmpdir(), 'wallboard-lock-'));
    const port = await freePort();
    // As after a SIGKILL of the wallboard: its redis-server runs on, adopted by init (the shell that started it is gone).
    const args = `--port ${port} --bind 127.0.0.1 --dir ${dir} --pidfile ${join(dir, 'redis-server.pid')} --appendonly yes --appendfsync always --save ''`;
    const shell = spawn('sh', ['-c', `redis-server ${args} >/dev/null 2>&1 &`], { stdio: 'ignore' });
    await new Promise((done) => shell.once('exit', done));
    // Retried until the orphan listens (it starts in the background).
    const orphan = new Redis({ port, host: '127.0.0.1', retryStrategy: (n) => (n > 200 ? null : 50) }).on('error', () => undefined);
    await orphan.set('left', 'behind');
    const pid = Number(await readFile(join(dir, 'redis-server.pid'), 'utf8'));
    const closed = new Promise((done) => orphan.once('close', done));
    try {
      started.push(await startEmbeddedRedis({ dir }));
      await closed; // the orphan has gone: its connection closed
    } finally {
      orphan.disconnect();
      if ((await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).includes('redis-server')) process.kill(pid, 'SIGKILL'); // a failed run leaves none behind
    }
    // Gone, or a zombie its adopter has yet to reap (a zombie's command line is empty).
    expect(await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).not.toContain('redis-server');
    const reader = new Redis(started[0]!.url);
    try {
      expect(await reader.get('left')).toBe('behind');
    } finally {
      reader.disconnect();
    }
  });

  it('starts over a pid file left by a crash', async () => {
    dir = await mkdtemp(join(tmpdir(), 'wallboard-lock-'));
    const crashed = await startEmbeddedRedis({ dir });
    await crashed.crash();
    await writeFile(join(dir, 'redis-server.pid'), '2147483646\n');
    started.push(await startEmbeddedRedis({ dir }));
  });
});
