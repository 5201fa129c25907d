// One redis-server per data folder: a second wallboard on the same folder (an orphan left by a signal sent to npm
// alone, or `npm start` and `npm run cluster` on ./data) would append to the same append-only file.
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedRedis, type EmbeddedRedis } from '../server/redis/embedded.ts';

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

  it('starts over a pid file left by a crash', async () => {
    dir = await mkdtemp(join(tmpdir(), 'wallboard-lock-'));
    const crashed = await startEmbeddedRedis({ dir });
    await crashed.crash();
    await writeFile(join(dir, 'redis-server.pid'), '2147483646\n');
    started.push(await startEmbeddedRedis({ dir }));
  });
});
