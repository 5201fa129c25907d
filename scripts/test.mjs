#!/usr/bin/env node
// `npm test`: every test. Fetches redis-server and chromium when missing, then runs the type check,
// the unit and integration tests (vitest, real Redis), builds the client and runs the browser tests.
import { spawnSync } from 'node:child_process';

const node = process.execPath;
const TOPOLOGY_TESTS = ['test/example-day.test.ts', 'test/live.test.ts', 'test/topologies.test.ts', 'test/figure-schema.test.ts'];
const steps = [
  ['System dependencies', ['scripts/ensure-system-deps.mjs', 'redis', 'chromium']],
  ['Type check (server, shared, tests)', ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json']],
  ['Type check (Svelte client)', ['node_modules/svelte-check/bin/svelte-check', '--tsconfig', './tsconfig.json', '--threshold', 'error']],
  ['Lint (ESLint)', ['node_modules/eslint/bin/eslint.js', '.']],
  ['Format (Prettier)', ['node_modules/prettier/bin/prettier.cjs', '--check', '.', '--log-level', 'warn']],
  ['Unit and integration tests (vitest, real Redis)', ['node_modules/vitest/vitest.mjs', 'run']],
  // The example day and the live push once more on each Redis topology (the whole suite: npm run test:topologies).
  ['Redis Sentinel and Cluster (example day, live push)', ['scripts/test-topologies.mjs', ...TOPOLOGY_TESTS]],
  ['Client build', ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn']],
  ['Browser tests (Playwright, Chromium)', ['node_modules/@playwright/test/cli.js', 'test']],
];
for (const [title, args] of steps) {
  console.log(`\n== ${title}`);
  const result = spawnSync(node, args, { stdio: 'inherit', env: { ...process.env, REDIS_URL: '' } });
  if (result.status !== 0) {
    console.error(`\n${title} failed.`);
    process.exit(result.status ?? 1);
  }
}
console.log('\nAll tests passed.');
