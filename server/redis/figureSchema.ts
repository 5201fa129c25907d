// How the figure keys are laid out, by version, and the one-time move from an older layout at startup.
//
// Layout 2: `all` keeps counters of its own (every queue's figures, added as they are counted, where version 1
// summed the queues at each read), and each agent's open parts, parts in after-call work, live bucket and the counts
// by bucket are kept as they change, and each agent's own sets of open parts and parts in wrap-up (version 1 built
// the whole roster at each read of `all`, and read the centre's sets for a team's). A store written by
// version 1 is moved once, before the instance takes any event; every instance waits for the one that moves it.
// Stop every instance of the older version before starting this one (they would still write the old layout).
import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from './connect.ts';
import { scanKeys } from './scan.ts';
import { BUCKET_SOURCES, figureKeys, INTERVALS_PREFIX, type StoreKeys } from './keys.ts';
import { repliesOf } from './pipeline.ts';
import { bucketOf } from './buckets.ts';

export const FIGURE_SCHEMA = '2';

const QUEUE_DAY_KEY = new RegExp(`^${INTERVALS_PREFIX}queue:.+:(\\d{4}-\\d{2}-\\d{2})$`);
/** How long the instance moving the store may hold it, and how long the others wait for it. */
const MOVE_MS = 10 * 60_000;

interface SchemaDeps {
  redis: RedisClient;
  keys: StoreKeys;
  log(msg: string, extra?: Record<string, unknown>): void;
  /** How often a waiting instance looks again (ms). */
  pollMs?: number;
}

/** Brings the store to the current layout, or waits for the instance doing it. Returns whether this one moved it. */
export async function ensureFigureSchema(deps: SchemaDeps): Promise<boolean> {
  const { redis, keys } = deps;
  const { version, lock, days } = keys.figureSchema;
  const holder = `${process.pid}:${Date.now()}`;
  for (const deadline = Date.now() + MOVE_MS; ;) {
    if ((await redis.get(version)) === FIGURE_SCHEMA) return false;
    if ((await redis.set(lock, holder, 'PX', MOVE_MS, 'NX')) !== null) break;
    if (Date.now() > deadline) throw new Error(`the figure store is still being moved to layout ${FIGURE_SCHEMA} by another instance (${lock} is held)`);
    await new Promise((resolve) => setTimeout(resolve, deps.pollMs ?? 250));
  }
  try {
    if ((await redis.get(version)) === FIGURE_SCHEMA) return false;
    const moved = await addQueuesToAll(deps);
    const agents = await rebuildBuckets(deps);
    await repliesOf(redis.multi().set(version, FIGURE_SCHEMA).del(days));
    // A new store has nothing to move: it is only marked.
    if (moved > 0 || agents > 0) deps.log('moved the figure store to its current layout', { layout: FIGURE_SCHEMA, days: moved, agents });
    return true;
  } finally {
    if ((await redis.get(lock)) === holder) await redis.del(lock);
  }
}

/** Each day's `all` counters become its own plus every queue's; a day at a time, each once (a restart resumes). */
async function addQueuesToAll({ redis, keys }: SchemaDeps): Promise<number> {
  let moved = 0;
  for (const [day, queueKeys] of await queueKeysByDay(redis, keys, '*')) {
    if ((await redis.sismember(keys.figureSchema.days, day)) === 1) continue;
    await setAllOfDay(redis, keys, day, queueKeys, null, (write) => write.sadd(keys.figureSchema.days, day));
    moved++;
  }
  return moved;
}

/** The logical counter keys of every queue by day, for the days matching a glob (`*`, or one day). */
export async function queueKeysByDay(redis: RedisClient, keys: StoreKeys, dayGlob: string): Promise<Map<string, string[]>> {
  const byDay = new Map<string, string[]>();
  for await (const found of scanKeys(redis, keys.figurePattern(`${INTERVALS_PREFIX}queue:*:${dayGlob}`))) {
    for (const key of found.map(keys.logical)) {
      const day = QUEUE_DAY_KEY.exec(key)?.[1];
      if (day !== undefined) byDay.set(day, [...(byDay.get(day) ?? []), key]);
    }
  }
  return byDay;
}

/**
 * Sets a day's `all` counters to `own` (null: what `all` holds now) plus the sum of those queue keys, in one
 * transaction with whatever `also` adds. The day's `all` lasts as long as the longest of them.
 */
export async function setAllOfDay(
  redis: RedisClient,
  keys: StoreKeys,
  day: string,
  queueKeys: string[],
  own: Record<string, string> | null,
  also: (write: ChainableCommander) => ChainableCommander = (write) => write,
): Promise<void> {
  const all = keys.figure(figureKeys.intervals('all', day));
  const pipe = redis.pipeline().hgetall(all).pttl(all);
  for (const key of queueKeys) pipe.hgetall(keys.figure(key)).pttl(keys.figure(key));
  const [stored, ownTtl, ...queues] = await repliesOf(pipe);
  const sum = new Map(Object.entries(own ?? (stored as Record<string, string>)).map(([field, n]) => [field, BigInt(n)]));
  const ttls = [Number(ownTtl)];
  for (let i = 0; i < queues.length; i += 2) {
    for (const [field, n] of Object.entries(queues[i] as Record<string, string>)) sum.set(field, (sum.get(field) ?? 0n) + BigInt(n));
    ttls.push(Number(queues[i + 1]));
  }
  const fields = [...sum].filter(([, n]) => n !== 0n);
  const write = redis.multi().del(all);
  if (fields.length > 0) write.hset(all, Object.fromEntries(fields.map(([field, n]) => [field, n.toString()])));
  // -1: a key kept for ever; -2: none.
  const kept = ttls.filter((t) => t !== -2);
  if (fields.length > 0 && !kept.includes(-1) && kept.length > 0) write.pexpire(all, Math.max(...kept));
  await repliesOf(also(write));
}

/** Each seen agent's open and wrapping parts (counted and its own sets), bucket and the counts by bucket, from the live sets and hashes. */
async function rebuildBuckets({ redis, keys }: SchemaDeps): Promise<number> {
  const k = keys.figure;
  const [onCallScored, inWrapScored, seen, states] = (await repliesOf(
    redis
      .pipeline()
      .zrange(k(figureKeys.onCall), 0, '-1', 'WITHSCORES')
      .zrange(k(figureKeys.inWrap), 0, '-1', 'WITHSCORES')
      .hgetall(k(figureKeys.agentsSeen))
      .hgetall(k(figureKeys.agentStates)),
  )) as [string[], string[], Record<string, string>, Record<string, string>];
  // Each agent's own sets of open parts and parts in wrap-up, from the centre's (members "<agent>\0<part>"); how
  // many parts each holds is its count of open parts and of parts in wrap-up.
  const ownSets = (reply: string[]) => {
    const byAgent = new Map<string, [string, string][]>();
    for (let i = 0; i < reply.length; i += 2) {
      const cut = reply[i]!.indexOf('\u0000');
      const agent = reply[i]!.slice(0, cut);
      const parts = byAgent.get(agent) ?? [];
      if (parts.length === 0) byAgent.set(agent, parts);
      parts.push([reply[i + 1]!, reply[i]!.slice(cut + 1)]);
    }
    return byAgent;
  };
  const openSets = ownSets(onCallScored);
  const wrapSets = ownSets(inWrapScored);
  const open = new Map([...openSets].map(([agent, parts]) => [agent, parts.length]));
  const wrap = new Map([...wrapSets].map(([agent, parts]) => [agent, parts.length]));
  const latest = new Map(Object.entries(states));
  const buckets = new Map<string, string>();
  const counts = new Map<string, number>();
  for (const [agent, count] of Object.entries(seen)) {
    const bucket = bucketOf({ seen: Number(count), open: open.get(agent) ?? 0, wrap: wrap.get(agent) ?? 0, latest: latest.get(agent) });
    if (bucket === null) continue;
    buckets.set(agent, bucket);
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
  }
  const stale: string[] = [];
  for (const pattern of [figureKeys.onCallOf(''), figureKeys.inWrapOf('')]) {
    for await (const found of scanKeys(redis, keys.figurePattern(`${pattern}*`))) stale.push(...found);
  }
  const write = redis.multi().del(...[...BUCKET_SOURCES.slice(2), figureKeys.agentBuckets, figureKeys.agentCounts].map(k), ...stale);
  for (const [agent, parts] of openSets) write.zadd(k(figureKeys.onCallOf(agent)), ...parts.flat());
  for (const [agent, parts] of wrapSets) write.zadd(k(figureKeys.inWrapOf(agent)), ...parts.flat());
  for (const [key, values] of [
    [figureKeys.onCallParts, open],
    [figureKeys.wrapParts, wrap],
    [figureKeys.agentBuckets, buckets],
    [figureKeys.agentCounts, counts],
  ] as const) {
    if (values.size > 0) write.hset(k(key), Object.fromEntries([...values].map(([field, value]) => [field, String(value)])));
  }
  await repliesOf(write);
  return buckets.size;
}
