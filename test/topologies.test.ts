// What each Redis topology adds (the run's topology: WALLBOARD_TEST_TOPOLOGY): on a Cluster every key and
// channel of a centre is in one slot and pub/sub is sharded; durability=replica acknowledges only what a
// replica holds, and says so honestly when none confirms.
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { nextEvent, startApp, type TestApp } from './support/app.ts';
import { ev, metrics, send } from './support/events.ts';
import { SENTINEL_MASTER, topologyOf } from './support/topologies.ts';

const topology = topologyOf(inject('redisUrl'));

describe.runIf(topology.kind === 'cluster')('on a Cluster', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(inject('redisUrl'));
  });
  afterAll(() => app.close());

  it('keeps every key of a centre in one slot and its Socket.IO and change-feed channels sharded there', async () => {
    const socket = app.socket(app.apiToken);
    await new Promise((resolve) => socket.emit('subscribe', { scope: 'queue:slot' }, resolve));
    const pushed = nextEvent<{ scope: string; offered: number }>(socket, 'metrics', (m) => m.scope === 'queue:slot' && m.offered === 1);
    expect((await send(app, [ev('call.offered', Date.now() - 1000, { callId: 'slot-1', queue: 'slot' })])).status).toBe(202);
    await pushed;
    await app.request('POST', '/api/v1/tokens', { token: app.apiToken, body: { name: 'slot', role: 'wallboard' } });

    const cluster = app.redis as Cluster;
    const holders = new Map<string, string[]>();
    for (const node of cluster.nodes('master')) {
      const [, found] = await node.scan('0', 'MATCH', `${app.prefix.replace(/[{}]/g, '\\$&')}*`, 'COUNT', 100_000);
      if (found.length > 0) holders.set(`${node.options.port}`, found);
    }
    expect(holders.size).toBe(1);
    const [port, keys] = [...holders][0]!;
    const primary = cluster.nodes('master').find((n) => `${n.options.port}` === port)!;
    const slots = new Set(await Promise.all(keys.map((k) => primary.call('CLUSTER', 'KEYSLOT', k))));
    expect(keys.length).toBeGreaterThan(5);
    expect(slots.size).toBe(1);
    const channels = (await primary.call('PUBSUB', 'SHARDCHANNELS', `${app.prefix.replace(/[{}]/g, '\\$&')}*`)) as string[];
    expect(channels).toEqual(expect.arrayContaining([`${app.prefix}changes`, `${app.prefix}socket.io#/#`]));
  });
});

describe.runIf(topology.kind === 'sentinel')('on Sentinel, durability=replica', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(inject('redisUrl'), { durability: 'replica' });
  });
  afterAll(() => app.close());

  it('answers 202 once the replica holds the batch', async () => {
    const event = ev('call.offered', Date.now() - 1000, { callId: 'dur-1', queue: 'durable' });
    expect((await send(app, [event])).status).toBe(202);
    const sentinel = topology.kind === 'sentinel' ? topology.sentinels[0]! : { host: '', port: 0 };
    const asker = new Redis(sentinel);
    const [fields] = (await asker.call('SENTINEL', 'REPLICAS', SENTINEL_MASTER)) as string[][];
    asker.disconnect();
    const at = (name: string) => fields![fields!.indexOf(name) + 1]!;
    const replica = new Redis({ host: at('ip'), port: Number(at('port')) });
    try {
      expect(await replica.hget(`${app.prefix}ids`, event.id as string)).toBe('call:dur-1');
    } finally {
      replica.disconnect();
    }
  });
});

describe.runIf(topology.kind === 'single')('durability=replica on a Redis with no replica', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(inject('redisUrl'), { durability: 'replica' });
  });
  afterAll(() => app.close());

  it('answers 503, says the batch may be stored, and a resend counts its events once', async () => {
    const batch = [
      ev('call.offered', Date.now() - 1000, { callId: 'norep-1', queue: 'norep' }),
      ev('call.offered', Date.now() - 900, { callId: 'norep-2', queue: 'norep' }),
    ];
    const refused = await send(app, batch);
    expect(refused.status).toBe(503);
    expect(refused.body.message).toMatch(/did not confirm.*count as duplicates/);
    // The primary holds it: a resend to an instance that asks no replica is taken, as duplicates, and counted once.
    const relaxed = await startApp(inject('redisUrl'), { prefix: app.prefix });
    try {
      expect((await send(relaxed, batch)).body).toEqual({ accepted: 0, duplicates: 2 });
      expect(await metrics(relaxed, 'queue:norep')).toMatchObject({ offered: 2 });
    } finally {
      await relaxed.close();
    }
  });
});
