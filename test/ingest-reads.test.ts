// What ingest reads before its batch script: nothing for calls the batch offers and entities it applied last, and a
// guess the store refuses (a call that exists, an id another entity took) is read and retried, so duplicates count once.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { parseEvent, type StoredEvent } from '../shared/events.ts';
import { createIngest, PLAN_CHUNK } from '../server/domain/ingest.ts';
import { createEntityStore, type EntityStore } from '../server/redis/entityStore.ts';
import { createStoreKeys } from '../server/redis/keys.ts';
import { defineScripts } from '../server/redis/scripts.ts';
import { ev, s, T0 } from './support/events.ts';

const redis = new Redis(inject('redisUrl'));
defineScripts(redis);
afterAll(() => redis.quit());

const rules = { tz: 'UTC', defaults: { serviceLevelMs: 20_000, shortAbandonMs: 5_000 }, queues: {} };

/** A store on a fresh prefix that counts its reads (entities and accepted ids). */
function countingStore() {
  const store = createEntityStore({ redis, keys: createStoreKeys(`test-reads-${randomUUID()}`), entityTtlMs: 0, counterTtlMs: 0 });
  const reads = { entities: 0, ids: 0 };
  const counted: EntityStore = {
    ...store,
    read: (entities) => (reads.entities++, store.read(entities)),
    acceptedIds: (ids) => (reads.ids++, store.acceptedIds(ids)),
  };
  return { store: counted, reads };
}

const ingestOn = (store: EntityStore) => createIngest({ store, rules, clock: () => T0 + 3600_000, liveCallTimeoutMs: 0 });

function events(...raw: Record<string, unknown>[]): StoredEvent[] {
  return raw.map((item, i) => {
    const parsed = parseEvent(item, i, { now: T0 + 3600_000, maxFutureMs: 900_000 });
    if (!parsed.ok) throw new Error(parsed.error.message);
    return parsed.event;
  });
}

let s1: ReturnType<typeof countingStore>;
beforeEach(() => {
  s1 = countingStore();
});

describe('reads before the batch script', () => {
  it('reads nothing for a batch that offers new calls, nor for the next events of calls this process applied', async () => {
    const ingest = ingestOn(s1.store);
    const offered = events(ev('call.offered', s(0), { callId: 'r1', queue: 'reads' }), ev('call.offered', s(1), { callId: 'r2', queue: 'reads' }));
    expect(await ingest.ingest(offered)).toMatchObject({ accepted: 2, duplicates: 0 });
    const answered = events(ev('call.answered', s(10), { callId: 'r1', agent: 'ra' }));
    expect(await ingest.ingest(answered)).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(s1.reads).toEqual({ entities: 0, ids: 0 });
    // The same events again are duplicates, still without a read.
    expect(await ingest.ingest([...offered, ...answered])).toMatchObject({ accepted: 0, duplicates: 3 });
    expect(s1.reads).toEqual({ entities: 0, ids: 0 });
  });

  it('reads a call it does not know that the batch does not offer', async () => {
    const ingest = ingestOn(s1.store);
    expect(await ingest.ingest(events(ev('call.ended', s(0), { callId: 'r3' })))).toMatchObject({ accepted: 1 });
    expect(s1.reads).toEqual({ entities: 1, ids: 1 });
  });

  it('reads and retries when another process holds the offered call: its events count once', async () => {
    const batch = events(ev('call.offered', s(0), { callId: 'r4', queue: 'reads' }), ev('call.answered', s(5), { callId: 'r4', agent: 'rb' }));
    expect(await ingestOn(s1.store).ingest(batch)).toMatchObject({ accepted: 2, duplicates: 0 });
    const other = ingestOn(s1.store);
    expect(await other.ingest(batch)).toMatchObject({ accepted: 0, duplicates: 2 });
    expect(s1.reads).toEqual({ entities: 1, ids: 1 });
  });

  it('counts an id another call took as a duplicate, though it was not asked for first', async () => {
    const ingest = ingestOn(s1.store);
    const [first] = events(ev('call.offered', s(0), { callId: 'r5', queue: 'reads' }));
    await ingest.ingest([first!]);
    const reused = events({ ...ev('call.offered', s(1), { callId: 'r6', queue: 'reads' }), id: first!.id });
    expect(await ingest.ingest(reused)).toEqual({ accepted: 0, duplicates: 1, scopes: new Set() });
    expect(s1.reads).toEqual({ entities: 1, ids: 1 });
  });
});

describe('planning a big batch', () => {
  it(`lets the event loop turn every ${PLAN_CHUNK} entities before the batch script, so other requests are served`, async () => {
    let turnedBeforeApply: boolean | undefined;
    let turned = false;
    const store: EntityStore = {
      ...s1.store,
      apply: (...args) => {
        turnedBeforeApply ??= turned;
        return s1.store.apply(...args);
      },
    };
    const ingest = ingestOn(store);
    // The first batch registers the rules (a round trip); the second plans with nothing left to wait on.
    await ingest.ingest(events(ev('call.offered', s(0), { callId: 'big-warm', queue: 'big' })));
    turnedBeforeApply = undefined;
    const batch = events(...Array.from({ length: PLAN_CHUNK * 2 }, (_, i) => ev('call.offered', s(1), { callId: `big-${i}`, queue: 'big' })));
    turned = false;
    setImmediate(() => (turned = true));
    expect(await ingest.ingest(batch)).toMatchObject({ accepted: PLAN_CHUNK * 2 });
    expect(turnedBeforeApply).toBe(true);
  });
});
