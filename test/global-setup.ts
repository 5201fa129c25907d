// Vitest global setup: one real redis-server for the run; each test file uses its own key prefix.
import type { TestProject } from 'vitest/node';
import { startTestRedis } from './support/redis.ts';

export default async function setup(project: TestProject) {
  const redis = await startTestRedis();
  project.provide('redisUrl', redis.url);
  return async () => {
    await redis.stop();
  };
}
