#!/usr/bin/env node
// Makes sure the system programs the product needs are here: redis-server (the tests always start one;
// `npm start` asks only when it will start its own) and Debian's chromium (for the browser tests). As root it installs them with apt-get; otherwise it
// says exactly what to install. Usage: node scripts/ensure-system-deps.mjs redis [chromium]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const TOOLS = {
  redis: { present: () => onPath('redis-server'), pkg: 'redis-server' },
  chromium: { present: () => existsSync('/usr/bin/chromium'), pkg: 'chromium' },
};

function onPath(binary) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, binary)));
}

const wanted = process.argv.slice(2);
for (const name of wanted) if (!TOOLS[name]) throw new Error(`unknown tool "${name}" (known: ${Object.keys(TOOLS).join(', ')})`);
const missing = wanted.filter((name) => !TOOLS[name].present()).map((name) => TOOLS[name].pkg);
if (missing.length === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot || !onPath('apt-get')) {
  console.error(`Missing: ${missing.join(', ')}. Install with:\n\n  sudo apt-get install -y ${missing.join(' ')}\n`);
  process.exit(1);
}

console.log(`Installing ${missing.join(', ')} from Debian's packages…`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const run = (args) => {
  const result = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
  if (result.status !== 0) {
    console.error(`apt-get ${args.join(' ')} failed (exit ${result.status}).`);
    process.exit(1);
  }
};
run(['update']);
run(['install', '-y', '--no-install-recommends', ...missing]);
