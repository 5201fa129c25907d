// Builds the whole server (HTTP API, Socket.IO, static client) from its dependencies; no side effects on import.
import { existsSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createAdapter } from '@socket.io/redis-adapter';
import cookieParser from 'cookie-parser';
import express from 'express';
import type { Redis } from 'ioredis';
import { Server } from 'socket.io';
import type { Role } from '../shared/roles.ts';
import { createDirectory } from './auth/directory.ts';
import { Calendar } from './domain/calendar.ts';
import { systemClock } from './domain/clock.ts';
import { identify, originMatches, requireRole, sameOriginForCookies } from './http/authenticate.ts';
import { bannersRouter } from './http/banners.ts';
import { DomainError } from './domain/errors.ts';
import { errorHandler } from './http/errors.ts';
import { eventsRouter } from './http/events.ts';
import { metricsRouter } from './http/metrics.ts';
import { promptsRouter } from './http/prompts.ts';
import { sessionRouter } from './http/session.ts';
import { teamsRouter } from './http/teams.ts';
import { tokensRouter } from './http/tokens.ts';
import { usersRouter } from './http/users.ts';
import { AUTO_DELAYED, AUTO_STORE_DOWN, createBannerBoard } from './domain/banners.ts';
import { createBannerStore } from './redis/bannerStore.ts';
import { createLiveHub, type LiveServer } from './socket/hub.ts';
import { createCoaching } from './domain/coaching.ts';
import { createPromptStore } from './redis/promptStore.ts';
import { createPromptChannel, registerPromptHandlers } from './socket/prompts.ts';
import { createRuleEngine } from './domain/rules.ts';
import { createRuleStore } from './redis/ruleStore.ts';
import { createSnapshotCache } from './redis/snapshots.ts';
import { createSocketCaps } from './redis/socketCaps.ts';
import type { Log } from './logger.ts';
import { createIngest } from './domain/ingest.ts';
import { auditDay } from './domain/audit.ts';
import { createEntityStore } from './redis/entityStore.ts';
import { createFigureReader } from './redis/figureReader.ts';
import { createStoreKeys } from './redis/keys.ts';
import { migratePrefix } from './redis/migrate.ts';
import { createMetricsReader } from './redis/metricsReader.ts';
import { defineScripts } from './redis/scripts.ts';
import { defaultQueue, type Settings } from './settings.ts';

export interface AppDeps {
  /** Commands connection; created with enableOfflineQueue: false so a down store fails fast. */
  redis: Redis;
  prefix: string;
  tz: string;
  settings: Settings;
  ingestToken: string;
  apiToken: string;
  log: Log;
  secureCookies?: boolean;
  /** The built client (index.html and assets); screens answer 503 when it is missing. */
  clientDir?: string;
  signInLimit?: number;
  /** How often health and delay are checked, ms (default 1000). */
  watchEveryMs?: number;
  promptRetentionDays?: number;
  /** Retention in days of a call's events (default 35) and of the day figures (default 400); 0 keeps them for ever. */
  eventRetentionDays?: number;
  figureRetentionDays?: number;
  /** How often the automatic-prompt rules run, ms (default 15000; 0 turns the timer off). */
  rulesEveryMs?: number;
  /** A call with no event for this many minutes leaves the live figures (default 240; 0 never). */
  liveCallTimeoutMinutes?: number;
  /** How often calls past the live-call timeout are swept, ms (default 15000; 0 turns the timer off). */
  sweepEveryMs?: number;
  /** How far past the server's clock an event's `ts` may be, minutes (default 15). */
  maxFutureMinutes?: number;
  /** The store's clock for arrivals and the live-call timeout (tests move it; default Date.now). */
  clock?: () => number;
  /** Express 'trust proxy': a hop count or the proxies' addresses/subnets; default off (X-Forwarded-* ignored). */
  trustProxy?: number | string[] | false;
  /** At most this many sockets per token and per session (default 20; 0: no cap). */
  maxSocketsPerPrincipal?: number;
}

export async function createApplication(httpServer: HttpServer, deps: AppDeps) {
  const { redis, log, settings } = deps;
  const keys = createStoreKeys(deps.prefix);
  const clock = deps.clock ?? systemClock;
  defineScripts(redis);
  // Keys carry a hash tag since 0.2 (Redis Cluster): data kept under the untagged prefix moves once.
  const migrated = await migratePrefix(redis, deps.prefix, keys.prefix);
  if (migrated > 0) log('moved keys to the hash-tagged prefix', { from: deps.prefix, to: keys.prefix, keys: migrated });
  const calendar = new Calendar(deps.tz);
  const bootstrap: { token: string; role: Role; name: string }[] = [
    { token: deps.ingestToken, role: 'ingest', name: 'bootstrap-ingest' },
    { token: deps.apiToken, role: 'supervisor', name: 'bootstrap-api' },
  ];
  const directory = createDirectory({ redis, keys, bootstrap });
  for (const team of settings.teams) {
    await directory.teams.putIfAbsent({ id: team.id, name: team.name ?? team.id, agents: team.agents, ...(team.queues ? { queues: team.queues } : {}) });
  }

  let storeUp = redis.status === 'ready';
  const isStoreUp = () => storeUp;
  const thresholdsOf = (q: { serviceLevelSeconds: number; shortAbandonSeconds: number }) => ({
    serviceLevelMs: q.serviceLevelSeconds * 1000,
    shortAbandonMs: q.shortAbandonSeconds * 1000,
  });
  const DAY_MS = 24 * 3600 * 1000;
  const entities = createEntityStore({
    redis,
    keys,
    entityTtlMs: (deps.eventRetentionDays ?? 35) * DAY_MS,
    counterTtlMs: (deps.figureRetentionDays ?? 400) * DAY_MS,
  });
  const ingest = createIngest({
    store: entities,
    clock,
    liveCallTimeoutMs: (settings.liveCallTimeoutMinutes ?? deps.liveCallTimeoutMinutes ?? 240) * 60_000,
    rules: {
      tz: deps.tz,
      defaults: thresholdsOf(defaultQueue('default')),
      // Object.fromEntries defines own properties, so a queue called `__proto__` is kept as data.
      queues: Object.fromEntries(settings.queues.map((q) => [q.id, thresholdsOf(q)])),
    },
  });
  const reader = createMetricsReader({ redis, keys, calendar, teams: directory });
  const snapshots = createSnapshotCache(reader, { isStoreUp });
  const banners = createBannerBoard({ store: createBannerStore({ redis, keys }), clock });

  // The HTTP handler goes on the server before Socket.IO, which then takes its own path off the top.
  const app = express();
  httpServer.on('request', app);

  // Socket.IO, with the Redis adapter so broadcasts (banners, prompts, revocations) reach every instance.
  // These queue while Redis is away (no retry limit), so a broadcast during an outage waits instead of failing.
  const background = { enableOfflineQueue: true, maxRetriesPerRequest: null };
  const adapterPub = redis.duplicate(background);
  const adapterSub = redis.duplicate(background);
  const changes = redis.duplicate(background);
  for (const conn of [adapterPub, adapterSub, changes]) conn.on('error', () => undefined);
  const io: LiveServer = new Server(httpServer, {
    adapter: createAdapter(adapterPub, adapterSub, { key: keys.socketIo }),
    serveClient: false,
  });
  const prompts = createCoaching({
    store: createPromptStore({ redis, keys }),
    teams: directory,
    channel: createPromptChannel(io),
    clock,
    retentionDays: deps.promptRetentionDays ?? 400,
  });
  const trustProxy = deps.trustProxy ?? false;
  const hub = createLiveHub({
    io,
    directory,
    snapshots,
    banners,
    log,
    onConnected: (socket) => registerPromptHandlers(socket, prompts, log),
    caps: createSocketCaps({ redis, keys, max: deps.maxSocketsPerPrincipal ?? 20 }),
    // Behind a trusted proxy the browser's host is in X-Forwarded-Host, as Express's req.host reads it.
    sameOrigin: (headers) => {
      const forwarded =
        trustProxy !== false
          ? String(headers['x-forwarded-host'] ?? '')
              .split(',')[0]
              ?.trim()
          : '';
      return originMatches(headers.origin as string | undefined, forwarded || (headers.host as string | undefined));
    },
  });

  // Changes travel through Redis pub/sub so that every instance pushes to its own subscribers.
  const changesChannel = keys.changes;
  await changes.subscribe(changesChannel);
  changes.on('message', (_channel: string, message: string) => {
    void hub.scopesChanged(JSON.parse(message) as string[]).catch((err: Error) => log('fan-out failed', { error: err.message }));
  });

  app.disable('x-powered-by');
  app.set('trust proxy', trustProxy);
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    // The client is served from here and talks only to here; Svelte sets style attributes, hence inline styles.
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
    next();
  });
  app.get('/healthz', (_req, res) => {
    res.status(storeUp ? 200 : 503).json({ ok: storeUp, redis: storeUp ? 'up' : 'down' });
  });
  app.use(cookieParser());
  app.use('/api', identify(directory));
  const publishChanges = (scopes: Set<string>) => {
    if (scopes.size === 0) return;
    // Through Redis so every instance hears it; straight to this instance's subscribers if Redis refuses.
    redis.publish(changesChannel, JSON.stringify([...scopes])).catch(() => hub.scopesChanged(scopes).catch(() => undefined));
  };
  app.use('/api', sameOriginForCookies());
  app.use(
    eventsRouter({
      ingest,
      isStoreUp,
      maxFutureMs: (deps.maxFutureMinutes ?? 15) * 60_000,
      log,
      onIngested: (result) => publishChanges(result.scopes),
    }),
  );
  app.use('/api', express.json({ limit: '100kb' }));
  app.use(metricsRouter({ directory, snapshots }));
  app.use(teamsRouter({ teams: directory.teams }));
  app.use(tokensRouter({ tokens: directory.tokens, onTokenRevoked: (id) => hub.disconnectToken(id) }));
  app.use(usersRouter({ users: directory.users, onUserChanged: (username) => hub.disconnectUser(username) }));
  app.use(
    sessionRouter({
      users: directory.users,
      sessions: directory.sessions,
      redis,
      keys,
      secureCookies: deps.secureCookies ?? false,
      signInLimit: deps.signInLimit,
      onSessionClosed: (id) => hub.disconnectSession(id),
    }),
  );
  app.use(bannersRouter({ banners, onChanged: () => void hub.broadcastBanners() }));
  app.use(promptsRouter({ prompts, directory }));
  // Ingest tokens read nothing, the config included.
  app.get('/api/v1/config', requireRole('admin', 'supervisor', 'lead', 'agent', 'display'), (_req, res) => {
    res.json({ tz: deps.tz, queues: settings.queues, boards: settings.boards, targets: settings.targets, now: Date.now() });
  });
  // For operators and the benchmarks: memory, connected sockets and event-loop delay of this instance.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  app.get('/api/v1/ops', requireRole('admin', 'supervisor'), (req, res) => {
    // The benchmarks start the server with --expose-gc so memory is measured after a collection.
    const gc = (globalThis as { gc?: () => void }).gc;
    if (req.query.gc !== undefined && gc) gc();
    const memory = process.memoryUsage();
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    res.json({
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      sockets: io.engine.clientsCount,
      storeUp,
      eventLoopDelayMs: { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) },
    });
    if (req.query.reset !== undefined) loopDelay.reset();
  });
  app.get('/api/v1/ops/verify', requireRole('admin', 'supervisor'), async (req, res, next) => {
    try {
      const day = typeof req.query.day === 'string' ? req.query.day : calendar.today(Date.now());
      if (!Calendar.isDay(day)) throw new DomainError('bad_request', 'day: must be a date YYYY-MM-DD');
      res.json(await auditDay({ ingest, figures: createFigureReader({ redis, keys }) }, day));
    } catch (err) {
      next(err);
    }
  });
  app.use('/api', (_req, res) => res.status(404).json({ error: 'not_found', message: 'no such API route' }));
  serveClient(app, deps.clientDir);
  app.use(errorHandler(log));

  // Health: the store's reachability and the age of the last event drive the automatic banners.
  let closed = false;
  const onStoreChange = (up: boolean) => {
    if (closed || up === storeUp) return;
    storeUp = up;
    log(up ? 'metrics store reachable again' : 'metrics store unreachable');
    banners.setAuto(
      AUTO_STORE_DOWN,
      up ? null : { severity: 'critical', message: 'Metrics store unreachable: figures shown are the last known and may be stale' },
    );
    void hub.broadcastBanners();
    if (up) hub.refreshAll();
  };
  redis.on('ready', () => onStoreChange(true));
  redis.on('close', () => onStoreChange(false));
  redis.on('error', () => undefined);

  const delayedAfterMs = settings.delayedAfterSeconds * 1000;
  let lastBannerIds = (await banners.active()).map((b) => b.id).join(',');
  const watch = setInterval(async () => {
    if (!storeUp) return;
    try {
      const last = Number(await redis.get(keys.lastEventAt));
      const age = Date.now() - last;
      const delayed = last > 0 && age > delayedAfterMs;
      const changed = banners.setAuto(
        AUTO_DELAYED,
        delayed ? { severity: 'warning', message: `Live data delayed: no event received since ${new Date(last).toISOString()}` } : null,
      );
      // Manual banners that expired drop out of the active list: tell everyone when it changes.
      const ids = (await banners.active()).map((b) => b.id).join(',');
      if (changed || ids !== lastBannerIds) await hub.broadcastBanners();
      lastBannerIds = ids;
    } catch {
      // The close event reports an unreachable store.
    }
  }, deps.watchEveryMs ?? 1000);
  const rules = createRuleEngine({
    store: createRuleStore({ redis, keys }),
    settings,
    listTeams: () => directory.listTeams(),
    coaching: prompts,
    read: (scope) => reader.read(scope),
    clock,
    log,
  });
  const rulesEveryMs = deps.rulesEveryMs ?? 15_000;
  const ruleTimer =
    rulesEveryMs > 0
      ? setInterval(() => void rules.tick().catch((err: Error) => storeUp && log('rules failed', { error: err.message })), rulesEveryMs)
      : undefined;
  ruleTimer?.unref();
  // Calls whose end never came leave the live figures (CONTRACT v2); safe on every instance (versioned applies).
  const sweepEveryMs = deps.sweepEveryMs ?? 15_000;
  const sweeper =
    sweepEveryMs > 0
      ? setInterval(() => {
          if (!storeUp) return;
          ingest
            .sweepLiveCalls()
            .then(({ expired, scopes }) => {
              if (expired > 0) log('live calls expired', { calls: expired });
              publishChanges(scopes);
              return ingest.pruneIdIndex();
            })
            .catch((err: Error) => log('live-call sweep failed', { error: err.message }));
        }, sweepEveryMs)
      : undefined;
  sweeper?.unref();
  // Day rollover and clock drift: re-send every subscribed scope once a minute.
  const refresher = setInterval(() => hub.refreshAll(), 60_000);
  watch.unref();
  refresher.unref();

  async function close(): Promise<void> {
    closed = true;
    loopDelay.disable();
    clearInterval(watch);
    clearInterval(refresher);
    clearInterval(ruleTimer);
    clearInterval(sweeper);
    hub.close();
    await new Promise<void>((resolve) => io.close(() => resolve()));
    // QUIT lets commands still in flight (the adapter's unsubscribes) get their replies; a store that is
    // down gets a second, then the connections are cut.
    await Promise.all([adapterPub, adapterSub, changes].map((conn) => closeConnection(conn)));
  }

  return { app, io, close, directory, keys, hub, rules, ingest, sweepLiveCalls: async () => publishChanges((await ingest.sweepLiveCalls()).scopes) };
}

export type Application = Awaited<ReturnType<typeof createApplication>>;

/** Closes a connection politely (QUIT), or cuts it after a second when the store does not answer. */
export async function closeConnection(conn: Redis): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([conn.quit().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, 1000)))]);
  clearTimeout(timer);
  conn.disconnect();
}

const SCREENS = ['/', '/wall', '/lead', '/agent', '/login', '/admin', '/supervisor'];

function serveClient(app: express.Express, clientDir: string | undefined): void {
  const index = clientDir ? join(clientDir, 'index.html') : undefined;
  if (clientDir && index && existsSync(index)) {
    app.use(express.static(clientDir, { index: false, maxAge: '1h' }));
    app.get(SCREENS, (_req, res) => res.sendFile(index, { headers: { 'Cache-Control': 'no-cache' } }));
    return;
  }
  app.get(SCREENS, (_req, res) => res.status(503).type('text').send('The client is not built: run `npm run build` (npm start does it for you).'));
}
