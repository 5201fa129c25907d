// Runs the real server as a child process for a benchmark, against a fresh embedded Redis, or with
// BENCH_TOPOLOGY=sentinel a fresh primary, replica and three sentinels (WALLBOARD_REDIS_DURABILITY passes through).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedRedis } from '../server/redis/embedded.ts';
import { startSentinelSetup, SENTINEL_MASTER } from '../test/support/topologies.ts';

/** Where the bench server's Redis is: its env for the server, the primary's URL for the statistics, and how to stop it. */
async function startBenchRedis(dir: string): Promise<{ env: Record<string, string>; primaryUrl: string; stop(): Promise<void> }> {
  if (process.env.BENCH_TOPOLOGY === 'sentinel') {
    const setup = await startSentinelSetup();
    const sentinels = setup.sentinelPorts.map((p) => `127.0.0.1:${p}`).join(',');
    return {
      env: { REDIS_URL: '', WALLBOARD_REDIS_SENTINELS: sentinels, WALLBOARD_REDIS_SENTINEL_MASTER: SENTINEL_MASTER },
      primaryUrl: `redis://127.0.0.1:${await setup.primaryPort()}`,
      stop: () => setup.stop(),
    };
  }
  const redis = await startEmbeddedRedis({ dir, fsync: process.env.WALLBOARD_REDIS_FSYNC === 'everysec' ? 'everysec' : 'always' });
  return { env: { REDIS_URL: redis.url }, primaryUrl: redis.url, stop: () => redis.stop() };
}

export async function startBenchServer() {
  const dir = await mkdtemp(join(tmpdir(), 'wallboard-bench-'));
  const redis = await startBenchRedis(dir);
  const ingestToken = 'bench-ingest-token-0123456789';
  const apiToken = 'bench-api-token-0123456789abc';
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []),
      '--max-semi-space-size=32',
      '--expose-gc',
      '--import',
      'tsx',
      'server/main.ts',
    ],
    {
      env: {
        ...process.env,
        PORT: '0',
        ...redis.env,
        WALLBOARD_INGEST_TOKEN: ingestToken,
        WALLBOARD_API_TOKEN: apiToken,
        WALLBOARD_TZ: 'UTC',
        WALLBOARD_MAX_SOCKETS_PER_PRINCIPAL: '0',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"url":"(http:\/\/localhost:\d+)"/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
  return {
    url,
    pid: child.pid!,
    redisUrl: redis.primaryUrl,
    ingestToken,
    apiToken,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      await redis.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
