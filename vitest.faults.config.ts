// `npm run test:faults`: Redis failing over under steady ingest (Sentinel, Cluster), each setup on loopback ports of its own.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One setup at a time: each is six redis processes and a steady sender on a small machine.
    fileParallelism: false,
  },
});
