// Keys written before the hash-tagged prefix (0.1: `wb:…`) move once to `{wb}:…`, and the figures read as before.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeConnection, connectRedis, type RedisClient } from '../server/redis/connect.ts';
import { hashTaggedPrefix } from '../server/redis/keys.ts';
import { migratePrefix } from '../server/redis/migrate.ts';
import { startApp } from './support/app.ts';
import { metrics } from './support/events.ts';
import { topologyOf } from './support/topologies.ts';

// A Cluster cannot rename between slots (`wb:…` and `{wb}:…` hash apart): a centre comes to a Cluster tagged.
const onCluster = topologyOf(inject('redisUrl')).kind === 'cluster';

describe.skipIf(onCluster)('moving to the hash-tagged prefix', () => {
  let redis: RedisClient;
  beforeAll(async () => {
    redis = await connectRedis(topologyOf(inject('redisUrl')));
  });
  afterAll(() => closeConnection(redis));

  it('renames this centre’s keys once, keeps their TTL, and leaves another centre’s alone', async () => {
    const old = `m${randomUUID().slice(0, 6)}:`;
    const tagged = hashTaggedPrefix(old);
    expect(tagged).toBe(`{${old.slice(0, -1)}}:`);
    const field = `${Date.parse('2026-03-10T14:00:00Z')}:offered`;
    await redis.hset(`${old}i:queue:sales:2026-03-10`, field, '3');
    await redis.pexpire(`${old}i:queue:sales:2026-03-10`, 3_600_000);
    await redis.hset(`${old}live:queues`, 'sales', '3');
    await redis.set(`${old}east:live:queues`, 'another centre');

    expect(await migratePrefix(redis, old, tagged)).toBe(2);
    expect(await redis.exists(`${old}i:queue:sales:2026-03-10`)).toBe(0);
    expect(await redis.pttl(`${tagged}i:queue:sales:2026-03-10`)).toBeGreaterThan(3_500_000);
    expect(await redis.get(`${old}east:live:queues`)).toBe('another centre');
    // Once moved, never again: a second run finds the tagged keys and does nothing.
    await redis.hset(`${old}live:queues`, 'late', '1');
    expect(await migratePrefix(redis, old, tagged)).toBe(0);

    const app = await startApp(inject('redisUrl'), { prefix: tagged });
    try {
      expect(await metrics(app, 'queue:sales', '2026-03-10')).toMatchObject({ offered: 3 });
    } finally {
      await app.close();
    }
  });
});

describe.runIf(onCluster)('on a Cluster', () => {
  it('moves nothing: the untagged and tagged keys are in different slots', async () => {
    const redis = await connectRedis(topologyOf(inject('redisUrl')));
    try {
      const old = `m${randomUUID().slice(0, 6)}:`;
      await redis.hset(`${old}live:queues`, 'sales', '3');
      expect(await migratePrefix(redis, old, hashTaggedPrefix(old))).toBe(0);
      expect(await redis.hget(`${old}live:queues`, 'sales')).toBe('3');
    } finally {
      await closeConnection(redis);
    }
  });
});
