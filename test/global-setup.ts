// Vitest global setup: one real Redis for the run (one node; or the Sentinel or Cluster setup that
// WALLBOARD_TEST_TOPOLOGY names); each test file uses its own key prefix.
import type { TestProject } from 'vitest/node';
import { startTestRedis } from './support/redis.ts';
import { startTestTopology } from './support/topologies.ts';

export default async function setup(project: TestProject) {
  const redis = await startTestTopology(process.env.WALLBOARD_TEST_TOPOLOGY || 'single', startTestRedis);
  project.provide('redisUrl', redis.address);
  return async () => {
    await redis.stop();
  };
}
