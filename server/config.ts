// The only reader of process.env: parses it once and fails fast naming the bad variable.
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { IANAZone } from 'luxon';
import { canonicalLocale, loadSettings, type Settings } from './settings.ts';

export interface RedisNode {
  host: string;
  port: number;
}

/** Which Redis the server talks to; `embedded` starts its own redis-server. */
export type RedisTopology =
  | { kind: 'embedded' }
  | { kind: 'single'; url: string }
  | { kind: 'sentinel'; sentinels: RedisNode[]; master: string }
  | { kind: 'cluster'; nodes: RedisNode[] };

type RedisDurability = 'primary' | 'replica';

interface Config {
  /** PORT, default 3000. */
  port: number;
  /**
   * Where Redis is: REDIS_URL (one node), WALLBOARD_REDIS_SENTINELS with WALLBOARD_REDIS_SENTINEL_MASTER
   * (Sentinel), or WALLBOARD_REDIS_CLUSTER (Cluster); none: an embedded redis-server under `${dataDir}/redis`.
   */
  redis: RedisTopology;
  /** WALLBOARD_REDIS_DURABILITY: `primary` (default, a 202 once the primary holds the batch) or `replica` (also a replica, WAIT). */
  redisDurability: RedisDurability;
  /** WALLBOARD_REDIS_TIMEOUT_MS, default 5000: the longest any one Redis command may take before the request fails. */
  redisTimeoutMs: number;
  /** WALLBOARD_DATA_DIR, default ./data. */
  dataDir: string;
  /** WALLBOARD_TZ, an IANA zone, default UTC. */
  tz: string;
  /** WALLBOARD_LOCALE, a BCP 47 locale (numbers, times, default language); default the settings' `locale` ('en'). */
  locale: string;
  /** WALLBOARD_INGEST_TOKEN / WALLBOARD_API_TOKEN; unset: random ones, printed once at start. */
  ingestToken: string | undefined;
  apiToken: string | undefined;
  /**
   * WALLBOARD_ADMIN_USER and WALLBOARD_ADMIN_PASSWORD create the first admin when no user exists; with
   * WALLBOARD_ADMIN_RESET=true (default false) they also make that user an admin with this password at this start.
   */
  admin: { username: string; password: string; reset: boolean } | undefined;
  /** WALLBOARD_REDIS_PREFIX, default "wb:". */
  redisPrefix: string;
  /** WALLBOARD_CONFIG, default ./wallboard.config.json when it exists. */
  settingsPath: string | undefined;
  /** The settings file, with WALLBOARD_TWILIO_AUTH_TOKEN / WALLBOARD_TWILIO_PUBLIC_URL laid over its feeds.twilio. */
  settings: Settings;
  /** WALLBOARD_SECURE_COOKIES=true marks the session cookie Secure (behind HTTPS). */
  secureCookies: boolean;
  /** WALLBOARD_REDIS_FSYNC for the embedded Redis: always (default: a 202 survives any crash) or everysec (faster, may lose 2 s). */
  redisFsync: 'always' | 'everysec';
  /** WALLBOARD_EVENT_RETENTION_DAYS, default 35: how long a call's events are kept after its last event. */
  eventRetentionDays: number;
  /** WALLBOARD_FIGURE_RETENTION_DAYS, default 400: how long a day's figures are kept. */
  figureRetentionDays: number;
  /** WALLBOARD_PROMPT_RETENTION_DAYS, default 400 (over 12 months). */
  promptRetentionDays: number;
  /** WALLBOARD_HISTORY_MONTHS, default 13 (0: for ever): months of day figures and call records kept. */
  historyMonths: number;
  /** WALLBOARD_LIVE_CALL_TIMEOUT_MINUTES, default 240 (0: never): a call with no event for this long leaves the live figures. */
  liveCallTimeoutMinutes: number;
  /** WALLBOARD_MAX_FUTURE_MINUTES, default 15: how far past the server's clock an event's ts may be (clock skew). */
  maxFutureMinutes: number;
  /**
   * WALLBOARD_TRUST_PROXY, Express 'trust proxy': a hop count (`1`) or a comma list of proxy addresses and
   * subnets (`10.0.0.0/8,127.0.0.1`, or loopback / linklocal / uniquelocal); default off, X-Forwarded-For ignored.
   */
  trustProxy: number | string[] | false;
  /** WALLBOARD_MAX_SOCKETS_PER_PRINCIPAL, default 20 sockets per signed-in session; 0 turns the cap off. */
  maxSocketsPerPrincipal: number;
  /** WALLBOARD_MAX_SOCKETS_PER_TOKEN, default 1,000 sockets per token (a display token runs every TV of a floor); 0 turns the cap off. */
  maxSocketsPerToken: number;
  /** WALLBOARD_SOCKET_MAX_UNSENT_MB, default 4: a socket holding more unsent data (it does not read) is dropped; 0 turns the cap off. */
  maxUnsentBytes: number;
  /** WALLBOARD_INGEST_MAX_INFLIGHT_MB, default 32: ingest bodies taken in at once; past it a batch is 503 unread (its sender resends); 0 turns it off. */
  maxIngestInflightBytes: number;
  /** WALLBOARD_PROMPTS_PER_MINUTE, default 600: coaching prompts one sender may send a minute (each may go to a whole team); 0 turns the cap off. */
  promptsPerMinute: number;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const tz = env.WALLBOARD_TZ || 'UTC';
  if (!IANAZone.isValidZone(tz)) fail('WALLBOARD_TZ', `"${tz}" is not an IANA time zone (e.g. America/New_York)`);
  const adminUser = env.WALLBOARD_ADMIN_USER;
  const adminPassword = env.WALLBOARD_ADMIN_PASSWORD;
  if (Boolean(adminUser) !== Boolean(adminPassword)) fail('WALLBOARD_ADMIN_PASSWORD', 'WALLBOARD_ADMIN_USER and WALLBOARD_ADMIN_PASSWORD go together');
  if (adminPassword && adminPassword.length < 8) fail('WALLBOARD_ADMIN_PASSWORD', 'must be at least 8 characters');
  const adminReset = oneOf(env, 'WALLBOARD_ADMIN_RESET', ['true', 'false'] as const, 'false');
  if (adminReset === 'true' && !adminUser) fail('WALLBOARD_ADMIN_RESET', 'needs WALLBOARD_ADMIN_USER and WALLBOARD_ADMIN_PASSWORD: the admin to reset');
  for (const name of ['WALLBOARD_INGEST_TOKEN', 'WALLBOARD_API_TOKEN']) {
    const value = env[name];
    if (value !== undefined && value !== '' && value.length < 16) fail(name, 'must be at least 16 characters');
  }
  const rawLocale = env.WALLBOARD_LOCALE || undefined;
  const envLocale = rawLocale === undefined ? undefined : canonicalLocale(rawLocale);
  if (envLocale === null) fail('WALLBOARD_LOCALE', `"${rawLocale}" is not a BCP 47 locale (e.g. en-GB, es, de)`);
  const defaultSettings = resolve('wallboard.config.json');
  const settingsPath = env.WALLBOARD_CONFIG || (existsSync(defaultSettings) ? defaultSettings : undefined);
  const settings = withTwilioEnv(loadSettings(settingsPath), env);
  return {
    port,
    redis: redisTopology(env),
    redisDurability: oneOf(env, 'WALLBOARD_REDIS_DURABILITY', ['primary', 'replica'] as const, 'primary'),
    redisTimeoutMs: integer(env, 'WALLBOARD_REDIS_TIMEOUT_MS', 5000, 100, 60_000),
    dataDir: resolve(env.WALLBOARD_DATA_DIR || 'data'),
    tz,
    locale: envLocale ?? canonicalLocale(settings.locale) ?? 'en',
    ingestToken: env.WALLBOARD_INGEST_TOKEN || undefined,
    apiToken: env.WALLBOARD_API_TOKEN || undefined,
    admin: adminUser && adminPassword ? { username: adminUser, password: adminPassword, reset: adminReset === 'true' } : undefined,
    redisPrefix: env.WALLBOARD_REDIS_PREFIX ?? 'wb:',
    settingsPath,
    settings,
    secureCookies: oneOf(env, 'WALLBOARD_SECURE_COOKIES', ['true', 'false'] as const, 'false') === 'true',
    redisFsync: oneOf(env, 'WALLBOARD_REDIS_FSYNC', ['always', 'everysec'] as const, 'always'),
    eventRetentionDays: integer(env, 'WALLBOARD_EVENT_RETENTION_DAYS', 35, 0, 36500),
    figureRetentionDays: integer(env, 'WALLBOARD_FIGURE_RETENTION_DAYS', 400, 0, 36500),
    promptRetentionDays: integer(env, 'WALLBOARD_PROMPT_RETENTION_DAYS', 400, 1, 36500),
    historyMonths: integer(env, 'WALLBOARD_HISTORY_MONTHS', 13, 0, 1200),
    liveCallTimeoutMinutes: integer(env, 'WALLBOARD_LIVE_CALL_TIMEOUT_MINUTES', 240, 0, 525600),
    maxFutureMinutes: integer(env, 'WALLBOARD_MAX_FUTURE_MINUTES', 15, 0, 1440),
    trustProxy: trustProxy(env.WALLBOARD_TRUST_PROXY),
    maxSocketsPerPrincipal: integer(env, 'WALLBOARD_MAX_SOCKETS_PER_PRINCIPAL', 20, 0, 100_000),
    maxSocketsPerToken: integer(env, 'WALLBOARD_MAX_SOCKETS_PER_TOKEN', 1000, 0, 100_000),
    maxUnsentBytes: integer(env, 'WALLBOARD_SOCKET_MAX_UNSENT_MB', 4, 0, 1024) * 1024 * 1024,
    maxIngestInflightBytes: integer(env, 'WALLBOARD_INGEST_MAX_INFLIGHT_MB', 32, 0, 4096) * 1024 * 1024,
    promptsPerMinute: integer(env, 'WALLBOARD_PROMPTS_PER_MINUTE', 600, 0, 1_000_000),
  };
}

/**
 * WALLBOARD_TWILIO_AUTH_TOKEN and WALLBOARD_TWILIO_PUBLIC_URL, laid over the settings' feeds.twilio (the token is a
 * secret: the environment keeps it out of a settings file that may be shared).
 */
function withTwilioEnv(settings: Settings, env: NodeJS.ProcessEnv): Settings {
  const authToken = env.WALLBOARD_TWILIO_AUTH_TOKEN || undefined;
  const publicUrl = env.WALLBOARD_TWILIO_PUBLIC_URL || undefined;
  if (publicUrl && !(URL.canParse(publicUrl) && /^https?:$/.test(new URL(publicUrl).protocol))) {
    fail('WALLBOARD_TWILIO_PUBLIC_URL', "must be the http(s) URL set as the workspace's EventCallbackUrl");
  }
  if (!authToken && !publicUrl) return settings;
  const twilio = { activities: [], ...settings.feeds.twilio, ...(authToken ? { authToken } : {}), ...(publicUrl ? { publicUrl } : {}) };
  return { ...settings, feeds: { ...settings.feeds, twilio } };
}

/** One of the three topologies, or the embedded Redis when none is named; two named at once is an error. */
export function redisTopology(env: NodeJS.ProcessEnv): RedisTopology {
  const url = env.REDIS_URL || undefined;
  const sentinels = env.WALLBOARD_REDIS_SENTINELS?.trim() || undefined;
  const master = env.WALLBOARD_REDIS_SENTINEL_MASTER?.trim() || undefined;
  const cluster = env.WALLBOARD_REDIS_CLUSTER?.trim() || undefined;
  const named = [url && 'REDIS_URL', sentinels && 'WALLBOARD_REDIS_SENTINELS', cluster && 'WALLBOARD_REDIS_CLUSTER'].filter(Boolean);
  if (named.length > 1)
    fail(named[1] as string, `set only one of REDIS_URL, WALLBOARD_REDIS_SENTINELS and WALLBOARD_REDIS_CLUSTER (got ${named.join(' and ')})`);
  if (master && !sentinels) fail('WALLBOARD_REDIS_SENTINEL_MASTER', 'goes with WALLBOARD_REDIS_SENTINELS');
  if (url) {
    if (!/^rediss?:\/\//.test(url)) fail('REDIS_URL', 'must start with redis:// or rediss://');
    return { kind: 'single', url };
  }
  if (sentinels) {
    if (!master) fail('WALLBOARD_REDIS_SENTINEL_MASTER', 'names the master the sentinels watch (e.g. mymaster); required with WALLBOARD_REDIS_SENTINELS');
    return { kind: 'sentinel', sentinels: hostPorts('WALLBOARD_REDIS_SENTINELS', sentinels), master };
  }
  if (cluster) return { kind: 'cluster', nodes: hostPorts('WALLBOARD_REDIS_CLUSTER', cluster) };
  return { kind: 'embedded' };
}

/** `host:port,host:port`; IPv6 hosts in brackets (`[::1]:26379`). */
function hostPorts(name: string, raw: string): RedisNode[] {
  return raw.split(',').map((entry) => {
    const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(entry.trim());
    const port = Number(match?.[3]);
    if (!match || port < 1 || port > 65535) fail(name, `must be a comma list of host:port, got "${entry.trim()}" in "${raw}"`);
    return { host: match[1] ?? match[2]!, port };
  });
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** `true` is refused on purpose: trusting every hop lets any client choose its own address. */
function trustProxy(raw: string | undefined): number | string[] | false {
  const value = raw?.trim() ?? '';
  if (value === '' || value === 'false' || value === '0') return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 10) fail('WALLBOARD_TRUST_PROXY', `a hop count is at most 10, got "${raw}"`);
    return hops;
  }
  const entries = value.split(',').map((e) => e.trim());
  for (const entry of entries) {
    const [address, bits, ...rest] = entry.split('/');
    const family = isIP(address ?? '');
    const bitsOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (!PROXY_NAMES.has(entry) && (family === 0 || !bitsOk || rest.length > 0)) {
      fail('WALLBOARD_TRUST_PROXY', `must be a hop count or a comma list of addresses, subnets or loopback/linklocal/uniquelocal; "${entry}" is none`);
    }
  }
  return entries;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) fail(name, `must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!allowed.includes(raw as T)) fail(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

function fail(name: string, problem: string): never {
  throw new Error(`${name}: ${problem}`);
}
