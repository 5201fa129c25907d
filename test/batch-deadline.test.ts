// A batch's deadline is on Redis's own clock (learned from TIME), so this server's clock being off changes nothing:
// batches are stored, and a copy that reaches Redis after its deadline refuses itself (nothing written). A reply
// that comes too late is settled by reading the id index back after the deadline.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { parseEvent, type StoredEvent } from '../shared/events.ts';
import { createIngest } from '../server/domain/ingest.ts';
import { closeConnection, connectRedis, type RedisClient } from '../server/redis/connect.ts';
import { createEntityStore } from '../server/redis/entityStore.ts';
import { BatchTooLateError } from '../server/redis/errors.ts';
import { createStoreKeys } from '../server/redis/keys.ts';
import { defineScripts } from '../server/redis/scripts.ts';
import { createStoreClock, steadyNow } from '../server/redis/storeClock.ts';
import { ev } from './support/events.ts';
import { breakableLink, type Link } from './support/links.ts';
import { startTestRedis, type TestRedis } from './support/redis.ts';

const HOUR = 3_600_000;
const rules = { tz: 'UTC', defaults: { serviceLevelMs: 20_000, shortAbandonMs: 5_000 }, queues: {} };

let redis: TestRedis;
let link: Link;
/** A link of its own for the production connection (a link carries one connection's stalls and cuts). */
let productionLink: Link;
/** The store's connection, through a link the test can stall; `production` the same with the default timeouts; `direct` reads beside them. */
let client: RedisClient;
let production: RedisClient;
let direct: RedisClient;
beforeAll(async () => {
  redis = await startTestRedis();
  link = await breakableLink(Number(new URL(redis.url).port));
  client = await connectRedis({ kind: 'single', url: `redis://127.0.0.1:${link.port}` }, { timeoutMs: 1000 });
  // The production options: command timeout 5 s, one retry, reconnect every 50·n ms up to 500 ms, no resend.
  productionLink = await breakableLink(Number(new URL(redis.url).port));
  production = await connectRedis({ kind: 'single', url: `redis://127.0.0.1:${productionLink.port}` });
  direct = await connectRedis({ kind: 'single', url: redis.url });
  defineScripts(client);
  defineScripts(production);
});
afterAll(async () => {
  redis?.thaw();
  for (const conn of [client, production, direct]) if (conn) await closeConnection(conn);
  link?.close();
  productionLink?.close();
  await redis?.stop();
});

/** Ingest on a fresh prefix whose idea of the time is `skewMs` off the real one. */
function ingestWithClockOff(skewMs: number) {
  const keys = createStoreKeys(`{deadline-${randomUUID()}}:`);
  const clock = createStoreClock(client, keys.lastEventAt, () => steadyNow() + skewMs);
  const store = createEntityStore({ redis: client, keys, entityTtlMs: 0, counterTtlMs: 0, clock });
  return { keys, ingest: createIngest({ store, rules, clock: Date.now, liveCallTimeoutMs: 0, deadlineMs: 1500 }) };
}

function offers(...callIds: string[]): StoredEvent[] {
  return callIds.map((callId, i) => {
    const parsed = parseEvent(ev('call.offered', Date.now() - 1000, { callId, queue: 'deadline' }), i, { now: Date.now(), maxFutureMs: 900_000 });
    if (!parsed.ok) throw new Error(parsed.error.message);
    return parsed.event;
  });
}

describe("a batch's deadline, on Redis's clock", () => {
  it('lets batches through when this server runs an hour behind Redis', async () => {
    const { ingest } = ingestWithClockOff(-HOUR);
    expect(await ingest.ingest(offers('behind-1', 'behind-2'))).toMatchObject({ accepted: 2, duplicates: 0 });
  });

  it('has a copy that reaches Redis past its deadline refuse itself when this server runs an hour ahead', async () => {
    const { keys, ingest } = ingestWithClockOff(HOUR);
    expect(await ingest.ingest(offers('ahead-1'))).toMatchObject({ accepted: 1 });
    const late = offers('ahead-2', 'ahead-3');
    redis.freeze();
    onTestFinished(() => redis.thaw());
    await expect(ingest.ingest(late)).rejects.toBeInstanceOf(BatchTooLateError);
    redis.thaw();
    // The script queued on the connection runs first, then this read: it wrote nothing.
    expect(await client.hmget(keys.eventIds, ...late.map((e) => e.id))).toEqual([null, null]);
    expect(await ingest.ingest(late)).toMatchObject({ accepted: 2, duplicates: 0 });
  });

  it('reads a batch back when its reply comes past the grace, and answers that it is stored', async () => {
    const { keys, ingest } = ingestWithClockOff(0);
    expect(await ingest.ingest(offers('slow-1'))).toMatchObject({ accepted: 1 });
    const batch = offers('slow-2', 'slow-3');
    link.stall();
    onTestFinished(() => link.unstall());
    const readBack = link.sent(/HMGET/i);
    const answer = ingest.ingest(batch);
    // The script ran at once; its reply is held until the read back is on its way, then both come.
    await readBack;
    link.unstall();
    expect(await answer).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(await direct.hmget(keys.eventIds, ...batch.map((e) => e.id))).toEqual(['call:slow-2', 'call:slow-3']);
    expect(await ingest.ingest(batch)).toMatchObject({ accepted: 0, duplicates: 2 });
  });
});

/** Ingest as the app runs it (deadline: the Redis timeout, 5 s, + 1 s), on the production connection. */
function productionIngest() {
  const keys = createStoreKeys(`{resend-${randomUUID()}}:`);
  const store = createEntityStore({ redis: production, keys, entityTtlMs: 0, counterTtlMs: 0, clock: createStoreClock(production, keys.lastEventAt) });
  return { keys, ingest: createIngest({ store, rules, clock: Date.now, liveCallTimeoutMs: 0, deadlineMs: 6000 }) };
}

/** Waits out a span of time (a deadline to pass, a link to stay down): there is no event for these. */
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A batch whose script ran but whose reply was lost with its connection is not sent again on the next one (a copy
// would be refused past its deadline, or counted as duplicates before it): it is read back once its deadline passed.
describe('a batch whose reply was lost with its connection', () => {
  it('answers a batch stored before its reply was lost as accepted, when the link is back only after its deadline', async () => {
    const { keys, ingest } = productionIngest();
    expect(await ingest.ingest(offers('warm'))).toMatchObject({ accepted: 1 });

    const batch = offers('r-1', 'r-2');
    productionLink.stall(); // Redis runs the script; its reply is held in the link
    onTestFinished(() => productionLink.mend());
    const sent = productionLink.sent(/EVALSHA|EVAL/i);
    const t0 = steadyNow();
    const answer = ingest.ingest(batch).then(
      (r) => ({ ok: true as const, r }),
      (e: Error) => ({ ok: false as const, e }),
    );
    await sent;
    // The script ran: the batch is stored.
    await expect.poll(() => direct.hmget(keys.eventIds, 'placeholder', ...batch.map((e) => e.id))).toEqual([null, 'call:r-1', 'call:r-2']);
    productionLink.cut(); // the reply is lost with the connection; the client does not send the command again
    // The link comes back just after the batch's deadline (sent + 4250 ms), before the grace is over (sent + 5000 ms).
    await pause(Math.max(0, t0 + 4300 - steadyNow()));
    productionLink.mend();
    const outcome = await answer;
    // Stored, so the sender must not be told "nothing was stored" (a 503 from BatchRefusedError/BatchTooLateError).
    expect(await direct.hmget(keys.eventIds, ...batch.map((e) => e.id))).toEqual(['call:r-1', 'call:r-2']);
    expect(outcome.ok).toBe(true);
  });

  it('answers a batch stored before its reply was lost as accepted, with its scopes, when the link is back before its deadline', async () => {
    const { keys, ingest } = productionIngest();
    expect(await ingest.ingest(offers('warm2'))).toMatchObject({ accepted: 1 });
    const batch = offers('s-1', 's-2');
    productionLink.stall();
    onTestFinished(() => productionLink.mend());
    const sent = productionLink.sent(/EVALSHA|EVAL/i);
    const answer = ingest.ingest(batch);
    await sent;
    await expect.poll(() => direct.hmget(keys.eventIds, ...batch.map((e) => e.id))).toEqual(['call:s-1', 'call:s-2']);
    productionLink.cut();
    // The link is back well before the deadline: a copy sent again would now find its calls moved on.
    await pause(300);
    productionLink.mend();
    const result = await answer;
    expect(result.accepted).toBe(2);
    expect(result.scopes.size).toBeGreaterThan(0);
  });
});
