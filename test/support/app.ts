// Starts the real server on port 0 against the test Redis, with its own key prefix; helpers to call it.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { closeConnection, createApplication, type Application } from '../../server/app.ts';
import { createLogger, type Log } from '../../server/logger.ts';
import { settingsSchema, type Settings } from '../../server/settings.ts';
import { connectRedis, type RedisClient } from '../../server/redis/connect.ts';
import { hashTaggedPrefix } from '../../server/redis/keys.ts';
import { topologyOf } from './topologies.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/socket.ts';

export interface TestApp {
  url: string;
  prefix: string;
  redis: RedisClient;
  ingestToken: string;
  apiToken: string;
  application: Application;
  request(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown; raw?: string; contentType?: string; cookie?: string; accept?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; text: string; headers: Headers }>;
  socket(token?: string, cookie?: string, headers?: Record<string, string>): Socket<ServerToClientEvents, ClientToServerEvents>;
  close(): Promise<void>;
}

/** `redisUrl`: a redis:// URL, or a Sentinel or Cluster setup's address (support/topologies.ts). */
export async function startApp(
  redisUrl: string,
  opts: {
    tz?: string;
    settings?: Partial<Settings>;
    signInLimit?: number;
    watchEveryMs?: number;
    prefix?: string;
    liveCallTimeoutMinutes?: number;
    maxFutureMinutes?: number;
    /** The live-call sweeper's timer; off by default so a test sweeps when it says (application.sweepLiveCalls). */
    sweepEveryMs?: number;
    /** The timer that closes escalations whose call ended; off by default (application.closeEndedEscalations). */
    escalationsEveryMs?: number;
    /** The store's clock (arrivals, live-call timeout). */
    clock?: () => number;
    trustProxy?: number | string[] | false;
    maxSocketsPerPrincipal?: number;
    maxSocketsPerToken?: number;
    /** A socket holding more unsent bytes than this is dropped (default 4 MiB). */
    maxUnsentBytes?: number;
    /** Where the server logs (default: silent unless TEST_LOG is set). */
    log?: Log;
    /** Ingest bodies taken in at once, bytes (default 32 MiB). */
    maxIngestInflightBytes?: number;
    promptsPerMinute?: number;
    /** Listen on this port (0: a free one). */
    port?: number;
    /** `replica`: a 202 waits for a replica (WAIT). */
    durability?: 'primary' | 'replica';
    /** The longest one Redis command may take, ms (WALLBOARD_REDIS_TIMEOUT_MS; default 5000). */
    redisTimeoutMs?: number;
    /** The built client to serve (screens answer 503 without it): `dist/client`, for a test in a browser. */
    clientDir?: string;
  } = {},
): Promise<TestApp> {
  // The tagged form the server keeps its keys under (see redis/keys.ts), so tests can name keys directly.
  const prefix = hashTaggedPrefix(opts.prefix ?? `t:${randomUUID().slice(0, 8)}:`);
  const redis = await connectRedis(topologyOf(redisUrl), { timeoutMs: opts.redisTimeoutMs });
  // Tokens follow the prefix so a restarted app (same prefix) keeps its credentials.
  const ingestToken = `ingest-${prefix}`;
  const apiToken = `api-${prefix}`;
  const httpServer = createServer();
  const application = await createApplication(httpServer, {
    redis,
    prefix,
    tz: opts.tz ?? 'UTC',
    settings: settingsSchema.parse(opts.settings ?? {}),
    ingestToken,
    apiToken,
    log: opts.log ?? createLogger({ silent: !process.env.TEST_LOG }),
    signInLimit: opts.signInLimit,
    watchEveryMs: opts.watchEveryMs,
    rulesEveryMs: 0,
    sweepEveryMs: opts.sweepEveryMs ?? 0,
    escalationsEveryMs: opts.escalationsEveryMs ?? 0,
    liveCallTimeoutMinutes: opts.liveCallTimeoutMinutes,
    maxFutureMinutes: opts.maxFutureMinutes,
    clock: opts.clock,
    trustProxy: opts.trustProxy,
    maxSocketsPerPrincipal: opts.maxSocketsPerPrincipal,
    maxSocketsPerToken: opts.maxSocketsPerToken,
    maxUnsentBytes: opts.maxUnsentBytes,
    maxIngestInflightBytes: opts.maxIngestInflightBytes,
    promptsPerMinute: opts.promptsPerMinute,
    durability: opts.durability,
    redisTimeoutMs: opts.redisTimeoutMs,
    clientDir: opts.clientDir,
  });
  await new Promise<void>((done) => httpServer.listen(opts.port ?? 0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const sockets: Socket[] = [];

  return {
    url,
    prefix,
    redis,
    ingestToken,
    apiToken,
    application,
    async request(method, path, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      if (o.cookie) headers.cookie = o.cookie;
      if (o.accept) headers.accept = o.accept;
      let body: string | undefined;
      if (o.raw !== undefined) body = o.raw;
      else if (o.body !== undefined) body = JSON.stringify(o.body);
      if (body !== undefined) headers['content-type'] = o.contentType ?? 'application/json';
      const res = await fetch(url + path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, body: parsed, text, headers: res.headers };
    },
    socket(token, cookie, headers) {
      const extraHeaders = { ...headers, ...(cookie ? { cookie } : {}) };
      const socket = connect(url, {
        auth: token ? { token } : {},
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        ...(Object.keys(extraHeaders).length > 0 ? { extraHeaders } : {}),
      });
      sockets.push(socket);
      return socket;
    },
    async close() {
      for (const s of sockets) s.disconnect();
      await application.close();
      httpServer.closeAllConnections();
      await new Promise<void>((done) => httpServer.close(() => done()));
      await closeConnection(redis);
    },
  };
}

/** Resolves with the next `event` on a socket that satisfies `test`. */
export function nextEvent<T>(socket: Socket<any, any>, event: string, test: (payload: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const handler = (payload: T) => {
      if (!test(payload)) return;
      socket.off(event, handler);
      resolve(payload);
    };
    socket.on(event, handler);
  });
}

/** Two instances of the app on one Redis and one key prefix, as behind a load balancer. */
export async function startTwoInstances(redisUrl: string): Promise<[TestApp, TestApp]> {
  const a = await startApp(redisUrl);
  return [a, await startApp(redisUrl, { prefix: a.prefix })];
}
