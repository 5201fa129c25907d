// Real Redis topologies on loopback ports, for the tests: a primary, a replica and three sentinels; a Cluster of
// three primaries, each with a replica (redis-cli --cluster create). Every process is ours and stopped by stop().
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { redisTopology } from '../../server/config.ts';
import type { ReachableTopology } from '../../server/redis/connect.ts';
import { freePort, startEmbeddedRedis, type EmbeddedRedis } from '../../server/redis/embedded.ts';

const HOST = '127.0.0.1';
export const SENTINEL_MASTER = 'wb-test';

/** What the tests pass around as `redisUrl`: redis://h:p, sentinel://h:p,…/master or cluster://h:p,… */
export function topologyOf(address: string): ReachableTopology {
  const sentinel = /^sentinel:\/\/([^/]+)\/(.+)$/.exec(address);
  if (sentinel) return redisTopology({ WALLBOARD_REDIS_SENTINELS: sentinel[1], WALLBOARD_REDIS_SENTINEL_MASTER: sentinel[2] }) as ReachableTopology;
  const cluster = /^cluster:\/\/(.+)$/.exec(address);
  if (cluster) return redisTopology({ WALLBOARD_REDIS_CLUSTER: cluster[1] }) as ReachableTopology;
  return { kind: 'single', url: address };
}

interface Node {
  port: number;
  server: EmbeddedRedis;
  /** Starts it again, same port, folder and options, after a crash. */
  restart(): Promise<void>;
}

async function startNode(dir: string, extraArgs: string[], more: { configFile?: string; ready?: RegExp } = {}): Promise<Node> {
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  // everysec: six of these share a small machine; a 202 that must survive a crash asks a replica (WAIT).
  const start = () => startEmbeddedRedis({ dir, port, fsync: 'everysec', extraArgs, ...more });
  const node: Node = {
    port,
    server: await start(),
    async restart() {
      node.server = await start();
    },
  };
  return node;
}

/** Asks `check` until it is true, every 100 ms, for at most `ms`: for states Redis announces on no channel. */
async function until(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function ask<T>(port: number, run: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({
    host: HOST,
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: 1000,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await run(redis);
  } finally {
    redis.disconnect();
  }
}

export interface SentinelSetup {
  address: string;
  sentinelPorts: number[];
  /** The primary's port as the sentinels name it now. */
  primaryPort(): Promise<number>;
  /**
   * Kills the primary (SIGKILL) or asks for a failover (SENTINEL FAILOVER), runs `meanwhile` (the primary is
   * gone, no other promoted yet), and resolves on +switch-master with the new port.
   */
  failover(how: 'kill' | 'command', meanwhile?: () => Promise<void>): Promise<number>;
  /** Starts a killed node again; the sentinels make it a replica of the new primary. */
  restart(port: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startSentinelSetup(): Promise<SentinelSetup> {
  const root = await mkdtemp(join(tmpdir(), 'wallboard-test-sentinel-'));
  const nodes: Node[] = [];
  try {
    const primary = await startNode(join(root, 'primary'), []);
    nodes.push(primary);
    nodes.push(await startNode(join(root, 'replica'), ['--replicaof', HOST, String(primary.port)]));
    await until('the replica to sync', () => ask(nodes[1]!.port, async (r) => /master_link_status:up/.test(await r.info('replication'))));
    for (let i = 0; i < 3; i++) {
      const dir = join(root, `sentinel-${i}`);
      await mkdir(dir, { recursive: true });
      const configFile = join(dir, 'sentinel.conf');
      const config = [
        `sentinel monitor ${SENTINEL_MASTER} ${HOST} ${primary.port} 2`,
        `sentinel down-after-milliseconds ${SENTINEL_MASTER} 1000`,
        `sentinel failover-timeout ${SENTINEL_MASTER} 10000`,
      ];
      await writeFile(configFile, config.join('\n') + '\n');
      nodes.push(await startNode(dir, ['--sentinel'], { configFile, ready: /\+monitor master/ }));
    }
  } catch (err) {
    await Promise.all(nodes.map((n) => n.server.stop()));
    throw err;
  }
  const sentinelPorts = nodes.slice(2).map((n) => n.port);
  // A failover needs every sentinel to know the replica and the two other sentinels.
  for (const port of sentinelPorts) {
    await until('the sentinels to know each other and the replica', () =>
      ask(port, async (r) => {
        const replicas = (await r.call('SENTINEL', 'REPLICAS', SENTINEL_MASTER)) as unknown[];
        const sentinels = (await r.call('SENTINEL', 'SENTINELS', SENTINEL_MASTER)) as unknown[];
        return replicas.length === 1 && sentinels.length === 2;
      }),
    );
  }
  const primaryPort = () =>
    ask(sentinelPorts[0]!, async (r) => Number(((await r.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', SENTINEL_MASTER)) as string[])[1]));
  return {
    address: `sentinel://${sentinelPorts.map((p) => `${HOST}:${p}`).join(',')}/${SENTINEL_MASTER}`,
    sentinelPorts,
    primaryPort,
    async failover(how, meanwhile) {
      const watcher = new Redis({ host: HOST, port: sentinelPorts[1]! });
      watcher.on('error', () => undefined);
      try {
        await watcher.subscribe('+switch-master');
        const switched = new Promise<number>((resolve) => watcher.on('message', (_channel: string, message: string) => resolve(Number(message.split(' ')[4]))));
        const before = await primaryPort();
        if (how === 'kill') await nodes.find((n) => n.port === before)!.server.crash();
        else await ask(sentinelPorts[0]!, (r) => r.call('SENTINEL', 'FAILOVER', SENTINEL_MASTER));
        await meanwhile?.();
        return await switched;
      } finally {
        watcher.disconnect();
      }
    },
    async restart(port) {
      await nodes.find((n) => n.port === port)!.restart();
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.server.stop()));
      await rm(root, { recursive: true, force: true });
    },
  };
}

export interface ClusterSetup {
  address: string;
  /** The port of the primary holding `key`'s slot now. */
  primaryOf(key: string): Promise<number>;
  /** SIGKILLs the primary holding `key`; resolves once its replica serves the slot, with the killed and the new port. */
  killPrimaryOf(key: string, meanwhile?: () => Promise<void>): Promise<{ killed: number; promoted: number }>;
  /** Starts a killed node again: it rejoins as a replica of the one promoted in its place. */
  restart(port: number): Promise<void>;
  stop(): Promise<void>;
}

type SlotRange = [number, number, [string, number, ...unknown[]], ...unknown[]];

export async function startClusterSetup(): Promise<ClusterSetup> {
  const root = await mkdtemp(join(tmpdir(), 'wallboard-test-cluster-'));
  const nodes: Node[] = [];
  try {
    for (let i = 0; i < 6; i++) {
      const dir = join(root, `node-${i}`);
      const args = ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf'), '--cluster-node-timeout', '3000'];
      nodes.push(await startNode(dir, args));
    }
    const addresses = nodes.map((n) => `${HOST}:${n.port}`);
    await promisify(execFile)('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '1', '--cluster-yes'], { timeout: 30_000 });
    for (const node of nodes) {
      await until('the cluster to be ready', () => ask(node.port, async (r) => /cluster_state:ok/.test(String(await r.call('CLUSTER', 'INFO')))));
      // A replica counts (WAIT) once it has synced: a primary answers `role:master`, a replica its link up.
      await until('the replicas to sync', () => ask(node.port, async (r) => /role:master|master_link_status:up/.test(await r.info('replication'))));
    }
  } catch (err) {
    await Promise.all(nodes.map((n) => n.server.stop()));
    throw err;
  }
  const alive = new Set(nodes);
  const anyAlive = () => [...alive][0]!.port;
  const primaryOf = (key: string, via = anyAlive()) =>
    ask(via, async (r) => {
      const slot = Number(await r.call('CLUSTER', 'KEYSLOT', key));
      const ranges = (await r.call('CLUSTER', 'SLOTS')) as SlotRange[];
      return Number(ranges.find(([from, to]) => slot >= from && slot <= to)![2][1]);
    });
  return {
    address: `cluster://${nodes.map((n) => `${HOST}:${n.port}`).join(',')}`,
    primaryOf,
    async killPrimaryOf(key, meanwhile) {
      const before = await primaryOf(key);
      const victim = nodes.find((n) => n.port === before)!;
      alive.delete(victim);
      await victim.server.crash();
      await meanwhile?.();
      let after = before;
      await until('a replica to take over the slot', async () => {
        after = await primaryOf(key);
        return after !== before && /cluster_state:ok/.test(String(await ask(after, (r) => r.call('CLUSTER', 'INFO'))));
      });
      return { killed: before, promoted: after };
    },
    async restart(port) {
      const node = nodes.find((n) => n.port === port)!;
      await node.restart();
      alive.add(node);
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.server.stop()));
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** The topology WALLBOARD_TEST_TOPOLOGY names (single, sentinel or cluster) for the whole test run. */
export async function startTestTopology(
  kind: string,
  single: () => Promise<{ url: string; stop(): Promise<void> }>,
): Promise<{ address: string; stop(): Promise<void> }> {
  if (kind === 'sentinel') return startSentinelSetup();
  if (kind === 'cluster') return startClusterSetup();
  if (kind !== 'single') throw new Error(`WALLBOARD_TEST_TOPOLOGY must be single, sentinel or cluster, got "${kind}"`);
  const redis = await single();
  return { address: redis.url, stop: () => redis.stop() };
}
