// A batch whose script ran but whose reply was lost with its connection. The commands client does not send it again
// on the next connection (a copy would be refused past its deadline, or counted as duplicates before it); the batch is
// settled by reading the id index back once its deadline has passed on Redis's clock: stored, so accepted.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import { parseEvent, type StoredEvent } from '../shared/events.ts';
import { createIngest } from '../server/domain/ingest.ts';
import { closeConnection, connectRedis, type RedisClient } from '../server/redis/connect.ts';
import { createEntityStore } from '../server/redis/entityStore.ts';
import { createStoreKeys } from '../server/redis/keys.ts';
import { defineScripts } from '../server/redis/scripts.ts';
import { createStoreClock, steadyNow } from '../server/redis/storeClock.ts';
import { ev } from './support/events.ts';
import { breakableLink, type Link } from './support/links.ts';
import { startTestRedis, type TestRedis } from './support/redis.ts';

const rules = { tz: 'UTC', defaults: { serviceLevelMs: 20_000, shortAbandonMs: 5_000 }, queues: {} };

let redis: TestRedis;
let link: Link;
let client: RedisClient;
let direct: RedisClient;
beforeAll(async () => {
  redis = await startTestRedis();
  link = await breakableLink(Number(new URL(redis.url).port));
  // The production options: command timeout 5 s, one retry, reconnect every 50·n ms up to 500 ms.
  client = await connectRedis({ kind: 'single', url: `redis://127.0.0.1:${link.port}` });
  direct = await connectRedis({ kind: 'single', url: redis.url });
  defineScripts(client);
});
afterAll(async () => {
  for (const conn of [client, direct]) if (conn) await closeConnection(conn);
  link?.close();
  await redis?.stop();
});

function offers(...callIds: string[]): StoredEvent[] {
  return callIds.map((callId, i) => {
    const parsed = parseEvent(ev('call.offered', Date.now() - 1000, { callId, queue: 'resend' }), i, { now: Date.now(), maxFutureMs: 900_000 });
    if (!parsed.ok) throw new Error(parsed.error.message);
    return parsed.event;
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('answers a batch stored before its reply was lost as accepted, when the link is back only after its deadline', async () => {
  const keys = createStoreKeys(`{resend-${randomUUID()}}:`);
  const clock = createStoreClock(client, keys.lastEventAt);
  const store = createEntityStore({ redis: client, keys, entityTtlMs: 0, counterTtlMs: 0, clock });
  // As the app: deadline = redis timeout (5000) + 1000.
  const ingest = createIngest({ store, rules, clock: Date.now, liveCallTimeoutMs: 0, deadlineMs: 6000 });
  expect(await ingest.ingest(offers('warm'))).toMatchObject({ accepted: 1 });

  const batch = offers('r-1', 'r-2');
  link.stall(); // Redis runs the script; its reply is held in the link
  onTestFinished(() => link.mend());
  const sent = link.sent(/EVALSHA|EVAL/i);
  const t0 = steadyNow();
  const answer = ingest.ingest(batch).then(
    (r) => ({ ok: true as const, r }),
    (e: Error) => ({ ok: false as const, e }),
  );
  await sent;
  // The script ran: the batch is stored.
  await expect.poll(() => direct.hmget(keys.eventIds, 'placeholder', ...batch.map((e) => e.id))).toEqual([null, 'call:r-1', 'call:r-2']);
  link.cut(); // the reply is lost with the connection; ioredis keeps the command to send again
  // The link comes back just after the batch's deadline (sent + 4250 ms), before the grace is over (sent + 5000 ms).
  await sleep(Math.max(0, t0 + 4300 - steadyNow()));
  link.mend();
  const outcome = await answer;
  // Stored, so the sender must not be told "nothing was stored" (a 503 from BatchRefusedError/BatchTooLateError).
  expect(await direct.hmget(keys.eventIds, ...batch.map((e) => e.id))).toEqual(['call:r-1', 'call:r-2']);
  expect(outcome.ok).toBe(true);
});

it('answers a batch stored before its reply was lost as accepted, with its scopes, when the link is back before its deadline', async () => {
  const keys = createStoreKeys(`{resend-${randomUUID()}}:`);
  const clock = createStoreClock(client, keys.lastEventAt);
  const store = createEntityStore({ redis: client, keys, entityTtlMs: 0, counterTtlMs: 0, clock });
  const ingest = createIngest({ store, rules, clock: Date.now, liveCallTimeoutMs: 0, deadlineMs: 6000 });
  expect(await ingest.ingest(offers('warm2'))).toMatchObject({ accepted: 1 });
  const batch = offers('s-1', 's-2');
  link.stall();
  onTestFinished(() => link.mend());
  const sent = link.sent(/EVALSHA|EVAL/i);
  const answer = ingest.ingest(batch);
  await sent;
  await expect.poll(() => direct.hmget(keys.eventIds, ...batch.map((e) => e.id))).toEqual(['call:s-1', 'call:s-2']);
  link.cut();
  // The link is back well before the deadline: a copy sent again would now find its calls moved on.
  await sleep(300);
  link.mend();
  const result = await answer;
  expect(result.accepted).toBe(2);
  expect(result.scopes.size).toBeGreaterThan(0);
});
