// Wires the server (stores, domain, Socket.IO, HTTP, timers) from its dependencies; no side effects on import.
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { createDirectory } from './auth/directory.ts';
import { createBannerBoard } from './domain/banners.ts';
import { Calendar } from './domain/calendar.ts';
import { systemClock } from './domain/clock.ts';
import { createCoaching } from './domain/coaching.ts';
import { createEscalations } from './domain/escalations.ts';
import { createIngest, type FigureRules } from './domain/ingest.ts';
import { createRuleEngine } from './domain/rules.ts';
import { createCallLogCompactor, createHistoryPruner } from './domain/history.ts';
import { createCallLogArchive } from './redis/callLogArchive.ts';
import { createHttpApp } from './http/server.ts';
import { createHistoryStore } from './redis/historyStore.ts';
import { createArchiveStore } from './redis/archiveStore.ts';
import { startJobs } from './jobs.ts';
import { watchStore } from './redis/health.ts';
import type { AppDeps } from './appDeps.ts';
import { createBannerStore } from './redis/bannerStore.ts';
import { backgroundConnections, closeConnection, whenReady } from './redis/connect.ts';
import { companionConnections } from './redis/companions.ts';
import { createEntityStore } from './redis/entityStore.ts';
import { createEscalationStore } from './redis/escalationStore.ts';
import { createStoreKeys, type StoreKeys } from './redis/keys.ts';
import { createStoreClock } from './redis/storeClock.ts';
import { migratePrefix } from './redis/migrate.ts';
import { ensureFigureSchema } from './redis/figureSchema.ts';
import { createPromptStore } from './redis/promptStore.ts';
import { createRuleStore } from './redis/ruleStore.ts';
import { createSnapshotCache } from './domain/snapshots.ts';
import { createMetricsReader } from './domain/metrics.ts';
import { createFigureReader } from './redis/figureReader.ts';
import { createSocketCaps } from './redis/socketCaps.ts';
import { defaultQueue, type Settings } from './settings.ts';
import { createChangeFeed } from './socket/changes.ts';
import { createEscalationChannel, registerEscalationHandlers } from './socket/escalations.ts';
import { createLiveHub } from './socket/hub.ts';
import { createPromptChannel, registerPromptHandlers } from './socket/prompts.ts';
import { createQuality } from './quality.ts';
import { createSocketServer, sameOriginCheck } from './socket/server.ts';

export { closeConnection };

const DAY_MS = 24 * 3600 * 1000;

export async function createApplication(httpServer: HttpServer, deps: AppDeps) {
  const core = await createCore(deps);
  // The HTTP handler must be on the server before Socket.IO attaches, which then takes its own path off the
  // top and passes every other request on; the app itself is built once the live layer exists.
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  httpServer.on('request', (req, res) => handle(req, res));
  const live = await createLive(httpServer, deps, core);
  const http = createHttpApp({
    ...core,
    tz: deps.tz,
    locale: deps.locale ?? deps.settings.locale,
    settings: deps.settings,
    log: deps.log,
    coaching: live.coaching,
    quality: live.quality,
    escalations: live.escalations,
    sockets: () => live.io.engine.clientsCount,
    notify: {
      changed: live.changes.publish,
      // Every instance pushes the team's new figures (change feed) and checks its leads' subscriptions again.
      teamChanged: (id) => {
        live.changes.publish(new Set([`team:${id}`]));
        live.hub.teamsChanged([id]);
      },
      bannersChanged: () => void live.hub.broadcastBanners(),
      tokenRevoked: live.hub.disconnectToken,
      userChanged: live.hub.disconnectUser,
      sessionClosed: live.hub.disconnectSession,
    },
    options: {
      trustProxy: deps.trustProxy ?? false,
      secureCookies: deps.secureCookies ?? false,
      signInLimit: deps.signInLimit,
      maxFutureMs: (deps.maxFutureMinutes ?? 15) * 60_000,
      maxInflightBytes: deps.maxIngestInflightBytes,
      promptsPerMinute: deps.promptsPerMinute,
      clientDir: deps.clientDir,
    },
  });
  handle = http.app;
  const { rules, stop: stopJobs } = await createTimers(deps, core, live);

  async function close(): Promise<void> {
    stopJobs();
    http.close();
    live.hub.close();
    await new Promise<void>((resolve) => live.io.close(() => resolve()));
    // QUIT lets commands still in flight (the adapter's unsubscribes) get their replies; a store that is
    // down gets a second, then the connections are cut.
    await Promise.all([...live.connections.all, core.prober, ...(core.writer ? [core.writer] : [])].map((conn) => closeConnection(conn)));
  }

  const { directory, ingest, pruneHistory, compactCallLog } = core;
  if (deps.backfillCallLog) {
    ingest.backfillCallLog({ once: true }).then(
      (calls) => {
        if (calls > 0) deps.log('call log written for calls stored before it existed', { calls });
      },
      (err: Error) => deps.log('call log backfill failed (it runs again at the next start)', { error: err.message }),
    );
  }
  const sweepLiveCalls = async () => live.changes.publish((await ingest.sweepLiveCalls()).scopes);
  const closeEndedEscalations = () => live.escalations.closeEnded();
  return {
    io: live.io,
    close,
    directory,
    rules,
    ingest,
    sweepLiveCalls,
    pruneHistory,
    compactCallLog,
    closeEndedEscalations,
  };
}

/** Brings data kept by an older version to this one's layout, before anything reads or writes it. */
async function upgradeStore({ redis, prefix, log }: AppDeps, keys: StoreKeys): Promise<void> {
  // Keys carry a hash tag since 0.2 (Redis Cluster): data kept under the untagged prefix moves once.
  const migrated = await migratePrefix(redis, prefix, keys.prefix);
  if (migrated > 0) log('moved keys to the hash-tagged prefix', { from: prefix, to: keys.prefix, keys: migrated });
  // `all`'s own counters and the counts by state kept as they change (figure layout 2).
  await ensureFigureSchema({ redis, keys, log });
}

/** The stores and the domain: keys, people, ingest, figures and banners. */
async function createCore(deps: AppDeps) {
  const { redis, settings } = deps;
  const keys = createStoreKeys(deps.prefix);
  const clock = deps.clock ?? systemClock;
  const { writer, prober } = await companionConnections(redis, deps.durability);
  await upgradeStore(deps, keys);
  const calendar = new Calendar(deps.tz);
  const bootstrap = [
    { token: deps.ingestToken, role: 'ingest' as const, name: 'bootstrap-ingest' },
    { token: deps.apiToken, role: 'supervisor' as const, name: 'bootstrap-api' },
  ];
  const directory = createDirectory({ redis, keys, bootstrap });
  for (const team of settings.teams) {
    await directory.teams.putIfAbsent({ id: team.id, name: team.name ?? team.id, agents: team.agents, ...(team.queues ? { queues: team.queues } : {}) });
  }
  const storeClock = createStoreClock(redis, keys.lastEventAt); // Redis's clock: the health probe reads it, batch deadlines use it
  const ttls = { entityTtlMs: (deps.eventRetentionDays ?? 35) * DAY_MS, counterTtlMs: counterTtlDays(deps) * DAY_MS };
  const archive = createArchiveStore({ redis, keys, ...ttls });
  const ingest = createIngest({
    store: createEntityStore({
      redis,
      keys,
      ...ttls,
      clock: storeClock,
      ...(writer ? { replicas: { count: 1, timeoutMs: Math.floor((deps.redisTimeoutMs ?? 5000) / 2), writer } } : {}),
    }),
    clock,
    liveCallTimeoutMs: (settings.liveCallTimeoutMinutes ?? deps.liveCallTimeoutMinutes ?? 240) * 60_000,
    rules: figureRules(deps.tz, settings),
    deadlineMs: (deps.redisTimeoutMs ?? 5000) + 1000,
  });
  const reader = createMetricsReader({ figures: createFigureReader({ redis, keys }), calendar, teams: directory, clock });
  const health = watchStore(redis, { probe: (timeoutMs) => storeClock.measure(timeoutMs, prober), probeEveryMs: deps.watchEveryMs ?? 1000 });
  const callLogArchive = createCallLogArchive({ redis, keys, ttlMs: ttls.counterTtlMs });
  const pruneHistory = createHistoryPruner({ store: createHistoryStore({ redis, keys }), calendar, clock, months: deps.historyMonths ?? 13 });
  // A call's records change only while its events are kept: after that (and a day's margin) its day is archived.
  const compactCallLog = createCallLogCompactor({ archive: callLogArchive, calendar, clock, afterDays: (deps.eventRetentionDays || 35) + 2 });
  const snapshots = createSnapshotCache(reader, { isStoreUp: health.isUp, deadlineMs: (deps.redisTimeoutMs ?? 5000) + 1000 });
  const banners = createBannerBoard({ store: createBannerStore({ redis, keys }), clock });
  return {
    redis,
    writer,
    prober,
    keys,
    clock,
    calendar,
    directory,
    ingest,
    reader,
    health,
    isStoreUp: health.isUp,
    snapshots,
    banners,
    pruneHistory,
    archive,
    callLogArchive,
    compactCallLog,
  };
}

type Core = Awaited<ReturnType<typeof createCore>>;

/** Socket.IO, the hub, coaching prompts and the change feed. */
async function createLive(httpServer: HttpServer, deps: AppDeps, core: Core) {
  const { redis, keys, clock, directory } = core;
  const connections = backgroundConnections(redis);
  await whenReady(connections.all, deps.redisTimeoutMs ?? 5000);
  const io = createSocketServer(httpServer, { pub: connections.adapterPub, sub: connections.adapterSub, key: keys.socketIo });
  const coaching = createCoaching({
    store: createPromptStore({ redis, keys }),
    teams: directory,
    channel: createPromptChannel(io),
    clock,
    retentionDays: deps.promptRetentionDays ?? 400,
  });
  const escalations = createEscalations({
    store: createEscalationStore({ redis, keys }),
    teams: directory,
    channel: createEscalationChannel(io),
    clock,
    retentionDays: deps.promptRetentionDays ?? 400,
  });
  const hub = createLiveHub({
    io,
    directory,
    snapshots: core.snapshots,
    banners: core.banners,
    log: deps.log,
    onConnected: (socket) => {
      registerPromptHandlers(socket, coaching, deps.log);
      registerEscalationHandlers(socket, escalations, deps.log);
    },
    caps: createSocketCaps({ redis, keys, max: { session: deps.maxSocketsPerPrincipal ?? 20, token: deps.maxSocketsPerToken ?? 1000 } }),
    sameOrigin: sameOriginCheck(deps.trustProxy ?? false),
    clock,
    maxUnsentBytes: deps.maxUnsentBytes,
  });
  const changes = createChangeFeed({ publisher: redis, subscriber: connections.changes, channel: keys.changes, onChange: hub.scopesChanged, log: deps.log });
  await changes.start();
  return { connections, io, coaching, escalations, hub, changes, quality: createQuality({ ...core, io, publish: changes.publish }) };
}

/** The rule engine and every timer; the store's health drives the automatic banners. */
async function createTimers(deps: AppDeps, core: Core, live: Awaited<ReturnType<typeof createLive>>) {
  const { redis, keys, clock, directory, reader } = core;
  const rules = createRuleEngine({
    store: createRuleStore({ redis, keys }),
    settings: deps.settings,
    listTeams: () => directory.teams.list(),
    coaching: live.coaching,
    read: (scope) => reader.read(scope),
    clock,
    log: deps.log,
  });
  const jobs = await startJobs(
    {
      ...core,
      hub: live.hub,
      rules,
      escalations: live.escalations,
      publish: live.changes.publish,
      log: deps.log,
      delayedAfterMs: deps.settings.delayedAfterSeconds * 1000,
      every: {
        watch: deps.watchEveryMs ?? 1000,
        rules: deps.rulesEveryMs ?? 15_000,
        sweep: deps.sweepEveryMs ?? 15_000,
        history: deps.historyEveryMs ?? 3_600_000,
        escalations: deps.escalationsEveryMs ?? 1000,
      },
    },
    core.isStoreUp,
  );
  core.health.onChange(jobs.onStoreChange);
  return {
    rules,
    stop: () => {
      core.health.stop();
      jobs.stop();
    },
  };
}

export type Application = Awaited<ReturnType<typeof createApplication>>;

/**
 * The day keys' time to live: a backstop behind the hourly pruning of the history, so at least the history
 * and at least WALLBOARD_FIGURE_RETENTION_DAYS; 0 (for ever) when either keeps for ever.
 */
function counterTtlDays(deps: AppDeps): number {
  const [days, months] = [deps.figureRetentionDays ?? 400, deps.historyMonths ?? 13];
  // `months` consecutive months span at most ⌈30.5·months⌉ + 1 days (13 months: 397 at most): the default 400 covers 13.
  return days === 0 || months === 0 ? 0 : Math.max(days, Math.ceil(months * 30.5) + 2);
}

/** The figure rules from the settings: the time zone and each queue's thresholds. */
function figureRules(tz: string, settings: Settings): FigureRules {
  const thresholdsOf = (q: { serviceLevelSeconds: number; shortAbandonSeconds: number }) => ({
    serviceLevelMs: q.serviceLevelSeconds * 1000,
    shortAbandonMs: q.shortAbandonSeconds * 1000,
  });
  // Object.fromEntries defines own properties, so a queue called `__proto__` is kept as data.
  return { tz, defaults: thresholdsOf(defaultQueue('default')), queues: Object.fromEntries(settings.queues.map((q) => [q.id, thresholdsOf(q)])) };
}
