// The process: reads the config, starts Redis when none is given, serves, and shuts down cleanly.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { closeConnection, createApplication } from './app.ts';
import { readConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { connectRedis } from './redis/connect.ts';
import { startEmbeddedRedis } from './redis/embedded.ts';
import { bootstrapAdmin } from './auth/bootstrapAdmin.ts';

const log = createLogger();

async function main(): Promise<void> {
  const config = readConfig();
  const embedded = config.redis.kind === 'embedded' ? await startEmbeddedRedis({ dir: join(config.dataDir, 'redis'), fsync: config.redisFsync }) : undefined;
  if (embedded) log('started embedded redis-server', { port: embedded.port, dir: join(config.dataDir, 'redis') });
  const topology = config.redis.kind === 'embedded' ? { kind: 'single' as const, url: embedded!.url } : config.redis;
  const redis = await connectRedis(topology, { timeoutMs: config.redisTimeoutMs });
  log('connected to redis', { topology: topology.kind, durability: config.redisDurability });

  const ingestToken = config.ingestToken ?? generated('WALLBOARD_INGEST_TOKEN');
  const apiToken = config.apiToken ?? generated('WALLBOARD_API_TOKEN');
  const httpServer = createServer();
  const application = await createApplication(httpServer, {
    redis,
    prefix: config.redisPrefix,
    durability: config.redisDurability,
    redisTimeoutMs: config.redisTimeoutMs,
    tz: config.tz,
    locale: config.locale,
    settings: config.settings,
    ingestToken,
    apiToken,
    log,
    secureCookies: config.secureCookies,
    clientDir: resolve('dist/client'),
    promptRetentionDays: config.promptRetentionDays,
    eventRetentionDays: config.eventRetentionDays,
    figureRetentionDays: config.figureRetentionDays,
    historyMonths: config.historyMonths,
    backfillCallLog: true,
    liveCallTimeoutMinutes: config.liveCallTimeoutMinutes,
    maxFutureMinutes: config.maxFutureMinutes,
    trustProxy: config.trustProxy,
    maxSocketsPerPrincipal: config.maxSocketsPerPrincipal,
    maxSocketsPerToken: config.maxSocketsPerToken,
    maxUnsentBytes: config.maxUnsentBytes,
    maxIngestInflightBytes: config.maxIngestInflightBytes,
    promptsPerMinute: config.promptsPerMinute,
  });

  if (config.admin) await bootstrapAdmin(application.directory.users, config.admin, log);

  await new Promise<void>((done) => httpServer.listen(config.port, done));
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log('wallboard listening', { url: `http://localhost:${port}`, wall: `http://localhost:${port}/wall`, tz: config.tz });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log('shutting down', { signal });
    await application.close();
    await new Promise<void>((done) => httpServer.close(() => done()));
    await closeConnection(redis);
    await embedded?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/** A random token for an unset variable; printed once so the operator can copy it, never logged again. */
function generated(name: string): string {
  const token = `wb_${randomBytes(24).toString('base64url')}`;
  process.stdout.write(`${name} was not set; generated for this run: ${token}\n`);
  return token;
}

process.on('unhandledRejection', (reason) => log('unhandled rejection', { error: reason instanceof Error ? reason.message : String(reason) }));

main().catch((err: Error) => {
  process.stderr.write(`wallboard: ${err.message}\n`);
  process.exit(1);
});
