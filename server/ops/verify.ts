// The self-audit: recomputes the figures from the stored events and compares them with the counters.
import type { Redis } from 'ioredis';
import { INTERVALS_PREFIX, liveKeys } from '../domain/keys.ts';
import type { EventStore } from '../redis/eventStore.ts';

export interface Difference {
  /** The scope the key belongs to (`all`, `queue:…`, `agent:…`), or `live` for the agents' live sets. */
  scope: string;
  key: string;
  field: string;
  stored: string | null;
  expected: string | null;
}

export interface VerifyReport {
  day: string;
  ok: boolean;
  /** How many calls and agents were recomputed. */
  entities: number;
  /** Keys compared, and the differences found (at most `limit` listed; `differenceCount` counts them all). */
  keysCompared: number;
  differenceCount: number;
  differences: Difference[];
  /** Calls whose last event is on this day that the live-call timeout took out of the live figures. */
  expiredCalls: { callId: string; lastEventAt: string }[];
}

/** One key's expected content: hash fields (counters and values) or sorted-set members with scores. */
type Expected = Map<string, Map<string, string>>;

const DIFFERENCES_LISTED = 1000;

/**
 * Compares every counter of `day` and every live set with a recomputation from the stored events.
 * Run it while no events arrive (a batch landing mid-audit can show as a difference that is not one).
 */
export async function verifyDay(deps: { redis: Redis; prefix: string; store: EventStore }, day: string): Promise<VerifyReport> {
  const { redis, prefix, store } = deps;
  const dayCounters: Expected = new Map();
  const liveHashes: Expected = new Map();
  const liveSets: Expected = new Map();
  const add = (into: Expected, key: string, field: string, value: string, sum: boolean) => {
    let fields = into.get(key);
    if (!fields) into.set(key, (fields = new Map()));
    fields.set(field, sum ? String(Number(fields.get(field) ?? 0) + Number(value)) : value);
  };
  const expiredKey = liveKeys.expired(day);
  const isDayKey = (key: string) => key.startsWith(INTERVALS_PREFIX) && key.endsWith(`:${day}`);

  let entities = 0;
  for await (const { contribution } of store.entities()) {
    entities++;
    for (const [key, fields] of contribution.c) {
      const into = isDayKey(key) ? dayCounters : key.startsWith(INTERVALS_PREFIX) ? undefined : liveHashes;
      if (into) for (const [field, n] of fields) add(into, key, field, String(n), true);
    }
    for (const [key, member, score] of contribution.z) {
      if (key === expiredKey) add(dayCounters, key, member, String(score), false);
      else if (!key.startsWith(INTERVALS_PREFIX)) add(liveSets, key, member, String(score), false);
    }
    for (const [key, field, value] of contribution.h) add(liveHashes, key, field, value, false);
  }
  for (const fields of [...dayCounters.values(), ...liveHashes.values()]) for (const [field, value] of fields) if (value === '0') fields.delete(field);

  // Keys that exist in Redis but that nothing should have written count too.
  const storedDayKeys = await scanKeys(redis, `${prefix}${INTERVALS_PREFIX}*:${day}`, prefix);
  const storedWaiting = await scanKeys(redis, `${prefix}w:*`, prefix);
  const hashKeys = new Set([
    ...dayCounters.keys(),
    ...storedDayKeys.filter((k) => k !== expiredKey),
    ...liveHashes.keys(),
    liveKeys.agentsSeen,
    liveKeys.queuesSeen,
    liveKeys.agentStates,
  ]);
  hashKeys.delete(expiredKey);
  const setKeys = new Set([...liveSets.keys(), ...storedWaiting, liveKeys.onCall, liveKeys.onHold, liveKeys.inWrap, expiredKey]);

  const differences: Difference[] = [];
  const compare = (key: string, stored: Map<string, string>, expected: Map<string, string>) => {
    for (const field of new Set([...stored.keys(), ...expected.keys()])) {
      const s = stored.get(field) ?? null;
      const e = expected.get(field) ?? null;
      if (s !== e && !(s !== null && e !== null && Number(s) === Number(e))) differences.push({ scope: scopeOf(key, day), key, field, stored: s, expected: e });
    }
  };
  const hashList = [...hashKeys];
  const setList = [...setKeys];
  const read = redis.pipeline();
  for (const key of hashList) read.hgetall(prefix + key);
  for (const key of setList) read.zrange(prefix + key, 0, '-1', 'WITHSCORES');
  const replies = (await read.exec()) ?? [];
  hashList.forEach((key, i) => {
    const [err, value] = replies[i]!;
    if (err) throw err;
    compare(key, new Map(Object.entries(value as Record<string, string>)), dayCounters.get(key) ?? liveHashes.get(key) ?? new Map());
  });
  setList.forEach((key, i) => {
    const [err, value] = replies[hashList.length + i]!;
    if (err) throw err;
    const pairs = value as string[];
    const stored = new Map<string, string>();
    for (let p = 0; p < pairs.length; p += 2) stored.set(pairs[p]!, pairs[p + 1]!);
    compare(key, stored, (key === expiredKey ? dayCounters.get(key) : liveSets.get(key)) ?? new Map());
  });

  const expiredCalls = [...(dayCounters.get(expiredKey) ?? new Map<string, string>())]
    .map(([callId, at]) => ({ callId, lastEventAt: new Date(Number(at)).toISOString() }))
    .sort((a, b) => (a.lastEventAt < b.lastEventAt ? -1 : 1));
  return {
    day,
    ok: differences.length === 0,
    entities,
    keysCompared: hashList.length + setList.length,
    differenceCount: differences.length,
    differences: differences.slice(0, DIFFERENCES_LISTED),
    expiredCalls,
  };
}

/** The scope a key's figures belong to. */
function scopeOf(key: string, day: string): string {
  if (key.startsWith(INTERVALS_PREFIX) && key.endsWith(`:${day}`)) return key.slice(INTERVALS_PREFIX.length, -(day.length + 1));
  if (key.startsWith('w:')) return key.slice(2);
  return 'live';
}

async function scanKeys(redis: Redis, pattern: string, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  const escaped = prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`) + pattern.slice(prefix.length);
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', escaped, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) out.push(key.slice(prefix.length));
  } while (cursor !== '0');
  return out;
}
