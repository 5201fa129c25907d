// What the application is built from: its connection, settings, tokens and the knobs tests and operators turn.
import type { Clock } from './domain/clock.ts';
import type { Log } from './logger.ts';
import type { RedisClient } from './redis/connect.ts';
import type { Settings } from './settings.ts';

export interface AppDeps {
  /** Commands connection; created with enableOfflineQueue: false so a down store fails fast. */
  redis: RedisClient;
  prefix: string;
  /** `replica`: a batch is acknowledged once a replica holds it too (WAIT); default `primary`. */
  durability?: 'primary' | 'replica';
  /** The commands client's timeout, ms (WALLBOARD_REDIS_TIMEOUT_MS, default 5000): WAIT gets half of it. */
  redisTimeoutMs?: number;
  tz: string;
  /** The centre's locale (config.locale); unset: the settings' `locale`. */
  locale?: string;
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
  /** Months of day figures and call records kept (default 13; 0: for ever); older days are removed every hour. */
  historyMonths?: number;
  /** Write, in the background, the call-log record of calls stored before the log existed (once per store). */
  backfillCallLog?: boolean;
  /** How often days past the history are removed, ms (default 3,600,000; 0 turns the timer off). */
  historyEveryMs?: number;
  /** How often the automatic-prompt rules run, ms (default 15000; 0 turns the timer off). */
  rulesEveryMs?: number;
  /** A call with no event for this many minutes leaves the live figures (default 240; 0 never). */
  liveCallTimeoutMinutes?: number;
  /** How often escalations whose call ended are closed, ms (default 1000; 0 turns the timer off). */
  escalationsEveryMs?: number;
  /** How often calls past the live-call timeout are swept, ms (default 15000; 0 turns the timer off). */
  sweepEveryMs?: number;
  /** How far past the server's clock an event's `ts` may be, minutes (default 15). */
  maxFutureMinutes?: number;
  /** The one clock of the server (tests move it; default Date.now). */
  clock?: Clock;
  /** Express 'trust proxy': a hop count or the proxies' addresses/subnets; default off (X-Forwarded-* ignored). */
  trustProxy?: number | string[] | false;
  /** At most this many sockets per signed-in session (default 20; 0: no cap). */
  maxSocketsPerPrincipal?: number;
  /** At most this many sockets per token (default 1,000; 0: no cap). */
  maxSocketsPerToken?: number;
  /** A socket holding more unsent bytes than this (a client that does not read) is dropped (default 4 MiB; 0: no cap). */
  maxUnsentBytes?: number;
  /** Ingest bodies taken in at once, bytes (WALLBOARD_INGEST_MAX_INFLIGHT_MB; default 32 MiB, 0 no limit). */
  maxIngestInflightBytes?: number;
  /** Coaching prompts one sender may send a minute (WALLBOARD_PROMPTS_PER_MINUTE; default 600, 0 no cap). */
  promptsPerMinute?: number;
}
