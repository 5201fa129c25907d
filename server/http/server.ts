// The Express app: security headers, health, credentials, one router per resource, the client, errors.
import cookieParser from 'cookie-parser';
import express from 'express';
import type { RedisClient } from '../redis/connect.ts';
import type { Directory } from '../auth/directory.ts';
import type { BannerBoard } from '../domain/banners.ts';
import type { Calendar } from '../domain/calendar.ts';
import type { Clock } from '../domain/clock.ts';
import type { Coaching } from '../domain/coaching.ts';
import type { Escalations } from '../domain/escalations.ts';
import type { Ingest, IngestResult } from '../domain/ingest.ts';
import type { Log } from '../logger.ts';
import { createFigureReader } from '../redis/figureReader.ts';
import type { StoreKeys } from '../redis/keys.ts';
import type { SnapshotCache } from '../domain/snapshots.ts';
import type { Settings } from '../settings.ts';
import { identify, sameOriginForCookies } from './authenticate.ts';
import { archiveRouter } from './archive.ts';
import type { ArchiveStore } from '../redis/archiveStore.ts';
import type { CallLogArchive } from '../redis/callLogArchive.ts';
import { bannersRouter } from './banners.ts';
import { callsRouter } from './calls.ts';
import { reportsRouter } from './reports.ts';
import { createReports } from '../domain/reports.ts';
import { createCallLog } from '../domain/callQuery.ts';
import { createCallLogReader } from '../redis/callLogReader.ts';
import { serveClient } from './client.ts';
import { configRouter } from './config.ts';
import { errorHandler } from './errors.ts';
import { escalationsRouter } from './escalations.ts';
import { eventsRouter } from './events.ts';
import { twilioFeedRouter } from './feeds.ts';
import { metricsRouter } from './metrics.ts';
import { opsRouter } from './ops.ts';
import { promptsRouter } from './prompts.ts';
import type { QaForms } from '../domain/qaForms.ts';
import type { QaEvaluations } from '../domain/qaEvaluations.ts';
import { qaFormsRouter } from './qaForms.ts';
import { qaEvaluationsRouter } from './qaEvaluations.ts';
import { sessionRouter } from './session.ts';
import { teamsRouter } from './teams.ts';
import { tokensRouter } from './tokens.ts';
import { usersRouter } from './users.ts';

// The client is served from here and talks only to here; Svelte sets style attributes, hence inline styles.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

interface HttpDeps {
  redis: RedisClient;
  keys: StoreKeys;
  tz: string;
  locale: string;
  settings: Settings;
  calendar: Calendar;
  clock: Clock;
  log: Log;
  directory: Directory;
  ingest: Ingest;
  snapshots: SnapshotCache;
  banners: BannerBoard;
  coaching: Coaching;
  quality: { forms: QaForms; evaluations: QaEvaluations };
  archive: ArchiveStore;
  callLogArchive: CallLogArchive;
  escalations: Escalations;
  isStoreUp: () => boolean;
  sockets: () => number;
  /** What the socket layer must hear of: changed figures, teams, banners, and credentials that ended. */
  notify: {
    changed(scopes: Set<string>): void;
    teamChanged(id: string): void;
    bannersChanged(): void;
    tokenRevoked(id: string): void;
    userChanged(username: string): void;
    sessionClosed(id: string): void;
  };
  options: {
    trustProxy: number | string[] | false;
    secureCookies: boolean;
    signInLimit?: number;
    maxFutureMs: number;
    maxInflightBytes?: number;
    promptsPerMinute?: number;
    clientDir?: string;
  };
}

export function createHttpApp(deps: HttpDeps): { app: express.Express; close(): void } {
  const { directory, notify, options } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy);
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', CSP);
    next();
  });
  app.get('/healthz', (_req, res) => {
    const up = deps.isStoreUp();
    res.status(up ? 200 : 503).json({ ok: up, redis: up ? 'up' : 'down' });
  });
  const events = { ingest: deps.ingest, isStoreUp: deps.isStoreUp, maxFutureMs: options.maxFutureMs, log: deps.log, clock: deps.clock };
  const onIngested = (result: IngestResult) => notify.changed(result.scopes);
  // Before credentials: Twilio signs its callbacks and sends no token (a URL with user:password would send Basic).
  app.use(twilioFeedRouter({ ...events, onIngested, settings: deps.settings.feeds.twilio }));
  app.use(cookieParser());
  app.use('/api', identify(directory));
  app.use('/api', sameOriginForCookies());
  app.use(eventsRouter({ ...events, onIngested, maxInflightBytes: options.maxInflightBytes }));
  app.use('/api', express.json({ limit: '100kb' }));
  app.use(metricsRouter({ directory, snapshots: deps.snapshots }));
  const calls = createCallLog({ reader: createCallLogReader({ redis: deps.redis, keys: deps.keys }), archive: deps.callLogArchive, calendar: deps.calendar });
  app.use(callsRouter({ calls, calendar: deps.calendar, clock: deps.clock, directory }));
  const reports = createReports({ figures: createFigureReader({ redis: deps.redis, keys: deps.keys }), calendar: deps.calendar, teams: directory });
  app.use(reportsRouter({ reports, calendar: deps.calendar, clock: deps.clock, directory }));
  app.use(teamsRouter({ teams: directory.teams, onTeamChanged: notify.teamChanged }));
  app.use(tokensRouter({ tokens: directory.tokens, onTokenRevoked: notify.tokenRevoked }));
  app.use(usersRouter({ users: directory.users, onUserChanged: notify.userChanged }));
  const session = { users: directory.users, sessions: directory.sessions, redis: deps.redis, keys: deps.keys };
  app.use(sessionRouter({ ...session, secureCookies: options.secureCookies, signInLimit: options.signInLimit, onSessionClosed: notify.sessionClosed }));
  app.use(bannersRouter({ banners: deps.banners, onChanged: notify.bannersChanged, clock: deps.clock }));
  app.use(
    promptsRouter({
      prompts: deps.coaching,
      directory,
      calendar: deps.calendar,
      limits: { redis: deps.redis, keys: deps.keys, perMinute: options.promptsPerMinute },
    }),
  );
  app.use(qaFormsRouter({ forms: deps.quality.forms }));
  app.use(qaEvaluationsRouter({ evaluations: deps.quality.evaluations, directory, calendar: deps.calendar }));
  app.use(escalationsRouter({ escalations: deps.escalations, directory, tz: deps.tz }));
  const eventsReceived = async () => (await deps.redis.exists(deps.keys.lastEventAt)) === 1;
  app.use(configRouter({ tz: deps.tz, locale: deps.locale, settings: deps.settings, clock: deps.clock, eventsReceived }));
  const figures = createFigureReader({ redis: deps.redis, keys: deps.keys });
  const ops = opsRouter({
    ingest: deps.ingest,
    figures,
    archive: deps.callLogArchive,
    calendar: deps.calendar,
    clock: deps.clock,
    sockets: deps.sockets,
    isStoreUp: deps.isStoreUp,
  });
  app.use(ops);
  app.use(archiveRouter({ archive: deps.archive, calendar: deps.calendar }));
  app.use('/api', (_req, res) => res.status(404).json({ error: 'not_found', message: 'no such API route' }));
  serveClient(app, options.clientDir);
  app.use(errorHandler(deps.log));
  return { app, close: () => ops.close() };
}
