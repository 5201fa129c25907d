// `npm run cluster -- N`: N wallboard instances on one Redis, on this machine, as they would run behind a load
// balancer: one embedded redis-server (under $WALLBOARD_DATA_DIR/redis, like `npm start`) or REDIS_URL when set, the
// same tokens for all, ports PORT, PORT+1, … (PORT 0: each a free port). Pushes reach every instance's screens through
// the Socket.IO Redis adapter; the rules and timers run once across them (a Redis lock). Ctrl-C stops them all.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { startEmbeddedRedis, type EmbeddedRedis } from '../server/redis/embedded.ts';

const node = process.execPath;
const count = Number(process.argv[2] ?? 2);
if (!Number.isInteger(count) || count < 1 || count > 16) fail(`the number of instances must be a whole number from 1 to 16, got "${process.argv[2]}"`);
const basePort = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(basePort) || basePort < 0 || basePort > 65535 - count) fail(`PORT must be a port number, got "${process.env.PORT}"`);

function fail(message: string): never {
  process.stderr.write(`cluster: ${message}\n`);
  process.exit(1);
}

const token = (name: string) => process.env[name] || `wb_${randomBytes(24).toString('base64url')}`;

/** One instance; resolves with its URL once it listens. Its log lines go out prefixed with its number. */
function startInstance(n: number, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const port = basePort === 0 ? 0 : basePort + n - 1;
  const child = spawn(node, ['--max-semi-space-size=32', '--import', 'tsx', 'server/main.ts'], {
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  createInterface({ input: child.stderr! }).on('line', (line) => process.stderr.write(`[${n}] ${line}\n`));
  return new Promise((done, reject) => {
    child.once('exit', (code) => reject(new Error(`instance ${n} exited (${code}) before listening`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      process.stdout.write(`[${n}] ${line}\n`);
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'wallboard listening' && entry.url) done({ child, url: entry.url });
      } catch {
        // Not a log line.
      }
    });
  });
}

async function main(): Promise<void> {
  const prepared = spawnSync(node, ['scripts/start.mjs', '--prepare'], { stdio: 'inherit' });
  if (prepared.status !== 0) process.exit(prepared.status ?? 1);
  const dataDir = resolve(process.env.WALLBOARD_DATA_DIR || 'data');
  let redis: EmbeddedRedis | undefined;
  if (!process.env.REDIS_URL) redis = await startEmbeddedRedis({ dir: join(dataDir, 'redis') });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REDIS_URL: process.env.REDIS_URL ?? redis!.url,
    WALLBOARD_DATA_DIR: dataDir,
    WALLBOARD_API_TOKEN: token('WALLBOARD_API_TOKEN'),
    WALLBOARD_INGEST_TOKEN: token('WALLBOARD_INGEST_TOKEN'),
  };
  const children: ChildProcess[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    const exits = children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise((done) => c.once('exit', done)));
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(exits);
    await redis?.stop();
    process.stdout.write('cluster: stopped\n');
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(0));

  const started = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      startInstance(i + 1, env).then((s) => {
        children.push(s.child);
        s.child.once('exit', (code) => {
          if (!stopping) process.stderr.write(`cluster: instance ${i + 1} stopped (${code}); stopping the rest\n`);
          void stop(code === 0 ? 0 : 1);
        });
        return s;
      }),
    ),
  ).catch((err: Error) => {
    process.stderr.write(`cluster: ${err.message}\n`);
    return stop(1);
  });
  if (!started) return;
  const lines = [
    '',
    `${count} wallboard instance${count === 1 ? '' : 's'} on ${redis ? `an embedded Redis (${redis.url})` : 'REDIS_URL'}:`,
    ...started.map((s, i) => `  [${i + 1}] ${s.url}/wall?token=${env.WALLBOARD_API_TOKEN}`),
    `Tokens (the same on every instance): WALLBOARD_INGEST_TOKEN=${env.WALLBOARD_INGEST_TOKEN} WALLBOARD_API_TOKEN=${env.WALLBOARD_API_TOKEN}`,
    'Put a load balancer in front (README, "Several instances"). Ctrl-C stops every instance and the Redis.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`cluster: ${err.message}\n`);
  process.exit(1);
});
