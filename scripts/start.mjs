#!/usr/bin/env node
// `npm start`: fetch redis-server if needed, build the client when it is missing or older than its
// sources, then run the server (TypeScript through tsx). Signals are passed on so Redis stops cleanly.
// `--prepare` does only the first two steps (for `npm run demo`, which starts the server itself).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const node = process.execPath;
const step = (args) => {
  const result = spawnSync(node, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

// The server starts its own redis-server unless a Redis is named; the demo (`--prepare`) always runs its own.
const REDIS_VARIABLES = ['REDIS_URL', 'WALLBOARD_REDIS_SENTINELS', 'WALLBOARD_REDIS_CLUSTER'];
const prepareOnly = process.argv.includes('--prepare');
const externalRedis = !prepareOnly && REDIS_VARIABLES.some((name) => process.env[name]?.trim());
if (!externalRedis) step(['scripts/ensure-system-deps.mjs', 'redis']);

const built = 'dist/client/index.html';
const newest = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce((max, entry) => {
    const path = join(dir, entry.name);
    return Math.max(max, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }, 0);
const stale =
  !existsSync(built) ||
  Math.max(newest('client'), newest('shared'), statSync('vite.config.ts').mtimeMs, statSync('README.md').mtimeMs) > statSync(built).mtimeMs;
if (stale) {
  console.log('Building the client…');
  step(['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn']);
}

if (prepareOnly) process.exit(0);

const server = spawn(node, ['--max-semi-space-size=32', '--import', 'tsx', 'server/main.ts'], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
