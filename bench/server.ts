// Runs the real server as a child process for a benchmark, against a fresh embedded Redis, or with
// BENCH_TOPOLOGY=sentinel a fresh primary, replica and three sentinels (WALLBOARD_REDIS_DURABILITY passes through),
// or a given Redis (a second instance beside the first, as `npm run cluster` runs them).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedRedis } from '../server/redis/embedded.ts';
import { startSentinelSetup, SENTINEL_MASTER } from '../test/support/topologies.ts';

export const BENCH_INGEST_TOKEN = 'bench-ingest-token-0123456789';
export const BENCH_API_TOKEN = 'bench-api-token-0123456789abc';

export interface BenchServer {
  url: string;
  pid: number;
  redisUrl: string;
  ingestToken: string;
  apiToken: string;
  stop(): Promise<void>;
}

interface BenchRedis {
  env: Record<string, string>;
  primaryUrl: string;
  stop(): Promise<void>;
}

/** Where the bench server's Redis is: its env for the server, the primary's URL for the statistics, and how to stop it. */
async function startBenchRedis(dir: string): Promise<BenchRedis> {
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

/** POSTs one batch (JSON text) to the server's ingest API; anything but 202 is an error. */
export async function postBatch(server: BenchServer, body: string): Promise<void> {
  const res = await fetch(`${server.url}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.ingestToken}`, 'content-type': 'application/json' },
    body,
  });
  if (res.status !== 202) throw new Error(`POST answered ${res.status}: ${await res.text()}`);
}

/** POSTs every batch, `senders` at a time, each sender taking the next batch as its last one is answered. */
export async function postBatches(server: BenchServer, bodies: string[], senders = 4): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: senders }, async () => {
      while (next < bodies.length) await postBatch(server, bodies[next++]!);
    }),
  );
}

/** A server on a fresh Redis of its own, or on `redisUrl` (which it neither starts nor stops). */
export async function startBenchServer(opts: { redisUrl?: string } = {}): Promise<BenchServer> {
  const dir = opts.redisUrl ? undefined : await mkdtemp(join(tmpdir(), 'wallboard-bench-'));
  const redis: BenchRedis = dir ? await startBenchRedis(dir) : { env: { REDIS_URL: opts.redisUrl! }, primaryUrl: opts.redisUrl!, stop: async () => undefined };
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
        WALLBOARD_INGEST_TOKEN: BENCH_INGEST_TOKEN,
        WALLBOARD_API_TOKEN: BENCH_API_TOKEN,
        WALLBOARD_TZ: 'UTC',
        WALLBOARD_MAX_SOCKETS_PER_PRINCIPAL: '0',
        WALLBOARD_MAX_SOCKETS_PER_TOKEN: '0',
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
    ingestToken: BENCH_INGEST_TOKEN,
    apiToken: BENCH_API_TOKEN,
    async stop() {
      // A server already gone (a fault test killed it) has nothing to wait for.
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await redis.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
