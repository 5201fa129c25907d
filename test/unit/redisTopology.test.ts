// The Redis topology from the environment: each form, and a clear error naming the variable for each mistake.
import { describe, expect, it } from 'vitest';
import { readConfig, redisTopology } from '../../server/config.ts';

describe('Redis topology from the environment', () => {
  it('is the embedded Redis when nothing is set, one node with REDIS_URL', () => {
    expect(redisTopology({})).toEqual({ kind: 'embedded' });
    expect(redisTopology({ REDIS_URL: 'redis://10.0.0.5:6380/2' })).toEqual({ kind: 'single', url: 'redis://10.0.0.5:6380/2' });
  });

  it('reads Sentinel and Cluster host:port lists, IPv6 in brackets', () => {
    expect(redisTopology({ WALLBOARD_REDIS_SENTINELS: 's1:26379, [::1]:26380', WALLBOARD_REDIS_SENTINEL_MASTER: 'mymaster' })).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: '::1', port: 26380 },
      ],
      master: 'mymaster',
    });
    expect(redisTopology({ WALLBOARD_REDIS_CLUSTER: '10.0.0.1:7000,10.0.0.2:7001' })).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
      ],
    });
  });

  it.each([
    [{ WALLBOARD_REDIS_SENTINELS: 's1:26379,s2', WALLBOARD_REDIS_SENTINEL_MASTER: 'm' }, /^WALLBOARD_REDIS_SENTINELS: .*"s2"/],
    [{ WALLBOARD_REDIS_CLUSTER: 'a:70000' }, /^WALLBOARD_REDIS_CLUSTER: .*"a:70000"/],
    [{ WALLBOARD_REDIS_SENTINELS: 's1:26379' }, /^WALLBOARD_REDIS_SENTINEL_MASTER: /],
    [{ WALLBOARD_REDIS_SENTINEL_MASTER: 'm' }, /^WALLBOARD_REDIS_SENTINEL_MASTER: goes with WALLBOARD_REDIS_SENTINELS/],
    [{ WALLBOARD_REDIS_SENTINELS: 's1:1', WALLBOARD_REDIS_SENTINEL_MASTER: 'm', WALLBOARD_REDIS_CLUSTER: 'c:1' }, /^WALLBOARD_REDIS_CLUSTER: set only one/],
    [{ REDIS_URL: 'redis://x:1', WALLBOARD_REDIS_CLUSTER: 'c:1' }, /^WALLBOARD_REDIS_CLUSTER: set only one/],
    [{ REDIS_URL: 'http://x' }, /^REDIS_URL: /],
  ])('refuses %j', (env, message) => {
    expect(() => redisTopology(env)).toThrow(message);
  });

  it('reads the durability and the command timeout', () => {
    expect(readConfig({ WALLBOARD_REDIS_DURABILITY: 'replica', WALLBOARD_REDIS_TIMEOUT_MS: '3000' })).toMatchObject({
      redisDurability: 'replica',
      redisTimeoutMs: 3000,
    });
    expect(readConfig({})).toMatchObject({ redisDurability: 'primary', redisTimeoutMs: 5000, redis: { kind: 'embedded' } });
    expect(() => readConfig({ WALLBOARD_REDIS_DURABILITY: 'all' })).toThrow(/^WALLBOARD_REDIS_DURABILITY: /);
  });
});
