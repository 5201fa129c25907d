#!/usr/bin/env node
// `npm run test:topologies`: the integration suite against a Sentinel setup, then a Cluster, each started on
// loopback ports by the tests (test/support/topologies.ts) and stopped after. Extra arguments go to vitest
// (e.g. test files). `npm test` runs the example day and live push this way; this runs everything.
import { spawnSync } from 'node:child_process';

for (const topology of ['sentinel', 'cluster']) {
  console.log(`\n== Integration tests on Redis ${topology}`);
  const args = ['node_modules/vitest/vitest.mjs', 'run', ...process.argv.slice(2)];
  const result = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, REDIS_URL: '', WALLBOARD_TEST_TOPOLOGY: topology } });
  if (result.status !== 0) {
    console.error(`\nThe tests failed on Redis ${topology}.`);
    process.exit(result.status ?? 1);
  }
}
