// Every Redis key of the product, built here and nowhere else. Every key starts with the centre's prefix,
// which carries a hash tag (`{wb}:`): all of a centre's keys share one Redis Cluster slot, so one script
// may touch any of them, and each script is given every key it touches in KEYS.

/** A prefix with a hash tag: `wb:` becomes `{wb}:`; one that already has `{…}` is kept. */
export function hashTaggedPrefix(prefix: string): string {
  if (/\{[^}]+\}/.test(prefix)) return prefix;
  const name = prefix.replace(/:$/, '') || 'wb';
  return `{${name}}:`;
}

/** Hash fields of the figure counters; a day's hash expires with the figure retention, live keys never. */
export const INTERVALS_PREFIX = 'i:';

/**
 * The figures' keys without the prefix: what a call's contribution names. Counter hashes hold
 * "<interval start ms>:<figure>" → count for one scope and day; the day's figures are their sum.
 */
export const figureKeys = {
  intervals: (scope: string, day: string) => `${INTERVALS_PREFIX}${scope}:${day}`,
  /** Sorted set: waiting segments "<callId>#<segment>" scored by offered time. */
  waiting: (scope: string) => `w:${scope}`,
  /** Sorted set: open agent parts "<agent>\0<callId>#<segment>#<part>" scored by answered time. */
  onCall: 'live:oncall',
  /** Sorted set: open parts whose caller is on hold now, scored by when the hold began. */
  onHold: 'live:hold',
  /** Sorted set: parts in after-call work, scored by their end. */
  inWrap: 'live:wrap',
  /** Hash: agent → how many calls and state streams mention it. */
  agentsSeen: 'live:seen',
  /** Hash: queue → how many calls were offered to it; `all` sums the queues listed here. */
  queuesSeen: 'live:queues',
  /** Hash: agent → JSON { state, at, reason } of its latest agent.state. */
  agentStates: 'live:state',
  /** Sorted set: one agent's open parts "<callId>#<segment>#<part>" scored by answered time (its roster's `since`). */
  onCallOf: (agent: string) => `live:oncall:a:${agent}`,
  /** Sorted set: one agent's parts in after-call work, scored by their end. */
  inWrapOf: (agent: string) => `live:wrap:a:${agent}`,
  /** Hash: agent → how many of its parts are open (answered, not ended): the count of its members in `onCall`. */
  onCallParts: 'live:oncall:n',
  /** Hash: agent → how many of its parts are in after-call work: the count of its members in `inWrap`. */
  wrapParts: 'live:wrap:n',
  /**
   * Hash: agent → its live state bucket (onCall, wrap, available, break, offline), and hash: bucket → how many
   * agents are in it. Both kept by the batch script as the four hashes above change, so the counts of `all` are
   * read without the roster (see redis/lua/applyBatch.lua).
   */
  agentBuckets: 'live:bucket',
  agentCounts: 'live:counts',
  /** Sorted set: calls swept out of the live figures (no event for the live-call timeout), by their last event; per day of that event. */
  expired: (day: string) => `${INTERVALS_PREFIX}expired:${day}`,
  /**
   * Sorted set: the call log of a day, one member per call (its stored record, see domain/callRecord.ts) scored by
   * the call's start (first offer, else first event), on the day of that start; kept as long as the day's figures.
   */
  callLog: (day: string) => `${INTERVALS_PREFIX}calls:${day}`,
  /** String: the call log of a day past the event retention, compressed (records of `callLog` moved here by the hourly job). */
  callLogArchive: (day: string) => `${INTERVALS_PREFIX}callz:${day}`,
};
export type FigureKeys = typeof figureKeys;

/** Whether a figure key is one of the live sets a call sits in while waiting, on a call, on hold or in after-call work. */
export function isLiveCallKey(key: string): boolean {
  return (
    key.startsWith('w:') ||
    key === figureKeys.onCall ||
    key === figureKeys.onHold ||
    key === figureKeys.inWrap ||
    key === figureKeys.onCallParts ||
    key === figureKeys.wrapParts ||
    key.startsWith(figureKeys.onCallOf('')) ||
    key.startsWith(figureKeys.inWrapOf(''))
  );
}

/** The hashes an agent's live bucket is computed from, in the order the batch script takes them. */
export const BUCKET_SOURCES = [figureKeys.agentsSeen, figureKeys.agentStates, figureKeys.onCallParts, figureKeys.wrapParts] as const;

/** Every physical key, for one centre's prefix. */
export function createStoreKeys(rawPrefix: string) {
  const prefix = hashTaggedPrefix(rawPrefix);
  const k = (rest: string) => prefix + rest;
  return {
    prefix,
    /** A figure key (see `figureKeys`) as stored. */
    figure: (logical: string) => k(logical),
    /** The logical name of a stored figure key. */
    logical: (physical: string) => physical.slice(prefix.length),
    /** A SCAN pattern for figure keys: `logicalPattern` is a glob over the logical names. */
    figurePattern: (logicalPattern: string) => escapeGlob(prefix) + logicalPattern,
    entity: {
      /** Hash: event id → event JSON, of one call ("call:<id>") or agent ("agent:<id>"). */
      events: (entity: string) => k(`ev:${entity}`),
      /** Hash: v version, r rules fingerprint, x expired, t last arrival, f floor of an agent's kept history. */
      meta: (entity: string) => k(`m:${entity}`),
      metaPattern: () => `${escapeGlob(k('m:'))}*`,
      ofMeta: (physical: string) => physical.slice(k('m:').length),
    },
    /** Hash: event id → the entity that took it: an id is accepted once, whichever call or agent it names. */
    eventIds: k('ids'),
    /** Hash: fingerprint → the figure rules (time zone, thresholds) contributions were computed under. */
    figureRules: k('rules'),
    lastEventAt: k('live:lastEventAt'),
    /**
     * String: the version of how the figure keys are laid out (see redis/figureSchema.ts); with its lock, and the
     * days already moved while an upgrade runs.
     */
    figureSchema: { version: k('figures:schema'), lock: k('figures:schema:lock'), days: k('figures:schema:days') },
    /** String: set once every call stored before the call log existed has its record (see ingest.backfillCallLog). */
    callLogBackfilled: k('calls:backfilled'),
    /** Pub/sub channel of changed scopes. */
    changes: k('changes'),
    socketIo: k('socket.io'),
    socketCaps: (holder: string) => k(`sockets:${holder}`),
    banners: { active: k('banners'), history: k('banners:history') },
    prompts: { log: k('prompts:log'), prompt: (id: string) => k(`prompt:${id}`), inbox: (agent: string) => k(`prompts:agent:${agent}`) },
    /** Quality: forms (hash: seq, meta, draft, v:<n> per published version) and evaluations (hash: seq, rec), each with its log; kept for ever. */
    qa: {
      forms: k('qa:forms'),
      form: (id: string) => k(`qa:form:${id}`),
      evaluations: k('qa:evaluations'),
      evaluation: (id: string) => k(`qa:evaluation:${id}`),
    },
    escalations: {
      /** Hash: agent → the id of its live escalation (one at a time). */
      open: k('escalations:open'),
      /** Sorted set: escalation ids by when they were raised. */
      log: k('escalations:log'),
      /** String: one escalation's JSON. */
      record: (id: string) => k(`escalation:${id}`),
      /** Who closes escalations whose call ended (one instance at a time). */
      lock: k('escalations:lock'),
    },
    rules: { lock: k('rules:lock'), cooldown: (rule: string, subject: string) => k(`rules:cooldown:${rule}:${subject}`) },
    auth: {
      tokens: k('auth:tokens'),
      tokenHashes: k('auth:tokens:hash'),
      tokenByHash: (hash: string) => k(`auth:token:${hash}`),
      users: k('auth:users'),
      session: (id: string) => k(`auth:session:${id}`),
      userSessions: (username: string) => k(`auth:user-sessions:${username}`),
      rateLimit: (limiter: string) => k(`auth:limit:${limiter}:`),
    },
    teams: k('teams'),
  };
}
export type StoreKeys = ReturnType<typeof createStoreKeys>;

export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
