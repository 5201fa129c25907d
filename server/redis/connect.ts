// The Redis clients for the configured topology (one node, Sentinel or Cluster): the commands client that
// fails fast, the background ones that wait (Socket.IO adapter, change feed), and closing them politely.
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisTopology } from '../config.ts';
import { withDeadline } from './errors.ts';

/** A commands client of any topology: the stores take either. */
export type RedisClient = Redis | Cluster;

/** Where to connect: the embedded Redis has become a `single` one by now. */
export type ReachableTopology = Exclude<RedisTopology, { kind: 'embedded' }>;

interface ConnectOptions {
  /** The longest one command may take, ms (WALLBOARD_REDIS_TIMEOUT_MS). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * A primary that was demoted (Sentinel failover) answers writes with READONLY: drop the connection so
 * the client asks the sentinels again. The command itself fails (1: reconnect without resending).
 */
const reconnectOnReadOnly = (err: Error) => (/READONLY|MASTERDOWN/.test(err.message) ? 1 : false);

/**
 * The commands client. No offline queue, one retry and a command timeout: while Redis is away or failing
 * over, a request fails within about `timeoutMs` (ingest answers 503) instead of waiting.
 */
export async function connectRedis(topology: ReachableTopology, opts: ConnectOptions = {}): Promise<RedisClient> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const common: RedisOptions = {
    maxRetriesPerRequest: 1,
    commandTimeout: timeoutMs,
    connectTimeout: timeoutMs,
    reconnectOnError: reconnectOnReadOnly,
    // A command whose reply was lost with the connection is not sent again on the next one: it may have run (a batch
    // script whose copy would then be refused or counted as duplicates; a write that is not idempotent). It fails
    // at its timeout instead, and its caller decides (ingest reads back whether the batch is stored).
    autoResendUnfulfilledCommands: false,
    // Reconnect quickly: a failover is over in seconds and the screens should follow soon after.
    retryStrategy: (times) => Math.min(50 * times, 500),
  };
  const client: RedisClient =
    topology.kind === 'cluster'
      ? new Cluster(topology.nodes, { ...clusterOptions(common, false), lazyConnect: true })
      : new Redis({ ...common, ...nodeOptions(topology, timeoutMs), enableOfflineQueue: false, lazyConnect: true });
  client.on('error', () => undefined);
  if (client instanceof Cluster) client.on('node error', () => undefined);
  await client.connect();
  return client;
}

function nodeOptions(topology: Exclude<ReachableTopology, { kind: 'cluster' }>, timeoutMs: number): RedisOptions {
  if (topology.kind === 'single') return fromUrl(topology.url);
  return {
    sentinels: topology.sentinels,
    name: topology.master,
    role: 'master',
    sentinelCommandTimeout: timeoutMs,
    // Sentinels publish +switch-master: the client moves to the new primary without waiting for an error.
    failoverDetector: true,
    sentinelRetryStrategy: (times) => Math.min(100 * times, 1000),
  };
}

/** ioredis takes a URL as its first argument only; this spreads one into options (host, port, auth, db, TLS). */
function fromUrl(url: string): RedisOptions {
  const parsed = new URL(url);
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: Number(parsed.port || 6379),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.pathname.length > 1 ? { db: Number(parsed.pathname.slice(1)) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

function clusterOptions(common: RedisOptions, background: boolean): ClusterOptions {
  const { retryStrategy: _unused, ...redisOptions } = common;
  return {
    enableOfflineQueue: background,
    // Sharded pub/sub (SSUBSCRIBE) for the Socket.IO adapter and the change feed: one connection per primary.
    shardedSubscribers: background,
    // Our keys all live in one slot ({wb}); reads go to its primary, so a 202's figures read back at once.
    scaleReads: 'master',
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    retryDelayOnTryAgain: 200,
    slotsRefreshTimeout: common.commandTimeout ?? DEFAULT_TIMEOUT_MS,
    slotsRefreshInterval: 2000,
    clusterRetryStrategy: (times) => Math.min(100 * times, 1000),
    redisOptions: background ? { ...redisOptions, maxRetriesPerRequest: null, commandTimeout: undefined, autoResendUnfulfilledCommands: true } : redisOptions,
  };
}

/**
 * Another commands client like `redis` (same topology, same fail-fast options). WAIT blocks the connection it
 * runs on, so durability=replica writes on one of its own: figure reads never queue behind a slow replica.
 */
export async function anotherCommandsClient(redis: RedisClient): Promise<RedisClient> {
  const copy: RedisClient = redis instanceof Cluster ? redis.duplicate([], { lazyConnect: true }) : redis.duplicate({ lazyConnect: true });
  copy.on('error', () => undefined);
  await copy.connect();
  return copy;
}

/**
 * Connections for the Socket.IO adapter (publish and subscribe) and the change feed, on the same topology
 * as `redis`. These queue while Redis is away (no retry limit), so a broadcast during an outage waits.
 */
export function backgroundConnections(redis: RedisClient): { adapterPub: RedisClient; adapterSub: RedisClient; changes: RedisClient; all: RedisClient[] } {
  const duplicate = (): RedisClient => {
    if (redis instanceof Cluster) return redis.duplicate([], { ...clusterOptions(redis.options.redisOptions ?? {}, true), lazyConnect: false });
    return redis.duplicate({
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      commandTimeout: undefined,
      autoResendUnfulfilledCommands: true,
      lazyConnect: false,
    });
  };
  const adapterPub = duplicate();
  const adapterSub = duplicate();
  const changes = duplicate();
  const all = [adapterPub, adapterSub, changes];
  for (const conn of all) conn.on('error', () => undefined);
  return { adapterPub, adapterSub, changes, all };
}

/**
 * Resolves once every connection is ready, or after `ms` (they keep trying by themselves). A Cluster client
 * rejects the commands it queued if it is closed before it connects, and the Socket.IO adapter's SSUBSCRIBE
 * is not awaited by the adapter: so the adapter starts on connected clients.
 */
export async function whenReady(conns: RedisClient[], ms: number): Promise<void> {
  const ready = (conn: RedisClient) => new Promise<void>((resolve) => conn.once('ready', () => resolve()));
  await Promise.all(conns.map((conn) => (conn.status === 'ready' ? undefined : withDeadline(ready(conn), ms, 'connect').catch(() => undefined))));
}

/** Closes a connection politely (QUIT), or cuts it after a second when the store does not answer. */
export async function closeConnection(conn: RedisClient): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([conn.quit().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, 1000)))]);
  clearTimeout(timer);
  conn.disconnect();
}
