// The Twilio TaskRouter feed through a real server and Redis: signed callbacks as TaskRouter sends them, a
// scripted day against figures worked out by hand, redeliveries, disorder, bad signatures and bad payloads.
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readConfig } from '../server/config.ts';
import type { Banner } from '../shared/socket.ts';
import { nextEvent, startApp, type TestApp } from './support/app.ts';
import { metrics } from './support/events.ts';
import { startTestRedis } from './support/redis.ts';
import { AUTH_TOKEN, deliver, PUBLIC_URL, tr, type Callback } from './support/taskrouter.ts';

const DAY = '2026-11-20';
const at = (hms: string) => Date.parse(`${DAY}T${hms}Z`);
const S = 1000;
// Ids are data: a queue and a worker called `__proto__` and `constructor`.
const [Q1, Q2] = ['__proto__', 'constructor'];
const [W1, W2] = ['constructor', '__proto__'];
const twilioSettings = { authToken: AUTH_TOKEN, publicUrl: PUBLIC_URL, activities: [['Lunch', 'break']] as [string, 'break'][] };

async function deliverAll(app: TestApp, callbacks: Callback[]): Promise<number[]> {
  const statuses: number[] = [];
  for (const callback of callbacks) statuses.push((await deliver(app, callback)).status);
  return statuses;
}

/** The day: nine tasks over two queues and two workers, each line one callback in time order. */
const script: Callback[] = [
  tr.activity(W1, 'Available', at('08:55:00')),
  tr.activity(W2, 'Available', at('08:56:00')),
  // T1: answered in 20 s by W1, 300 s talk, 60 s wrap-up.
  tr.entered('T1', Q1, at('09:00:00')),
  tr.accepted('T1', Q1, W1, at('09:00:20')),
  tr.wrapup('T1', at('09:05:20')),
  tr.completed('T1', at('09:06:20')),
  // T2 hangs up after 3 s (a short abandon), T3 after 40 s.
  tr.entered('T2', Q1, at('09:01:00')),
  tr.canceled('T2', at('09:01:03')),
  tr.entered('T3', Q1, at('09:02:00')),
  tr.canceled('T3', at('09:02:40')),
  // T4 times out of Q2 after 60 s, enters Q1, answered by W2 after 40 s: 360 s talk, 60 s wrap-up.
  tr.entered('T4', Q2, at('09:03:00')),
  tr.queueTimeout('T4', Q2, at('09:04:00')),
  tr.entered('T4', Q1, at('09:04:01')),
  tr.accepted('T4', Q1, W2, at('09:04:41')),
  tr.wrapup('T4', at('09:10:41')),
  tr.completed('T4', at('09:11:41')),
  // T5: W1 answers in 10 s, talks 120 s and transfers (cold) to Q2, where W2 answers in 10 s: 180 s talk, 30 s wrap-up.
  tr.entered('T5', Q1, at('09:20:00')),
  tr.accepted('T5', Q1, W1, at('09:20:10')),
  tr.transfer('T5', 'COLD', 'initiated', 'WQ-constructor', at('09:22:10')),
  tr.entered('T5', Q2, at('09:22:20')),
  tr.accepted('T5', Q2, W2, at('09:22:30')),
  tr.wrapup('T5', at('09:25:30')),
  tr.completed('T5', at('09:26:00')),
  // T6 is still waiting in Q1.
  tr.entered('T6', Q1, at('09:30:00')),
  // T7 leaves the workflow after 60 s; T9's time to live runs out: both time out.
  tr.entered('T7', Q2, at('09:40:00')),
  tr.workflowTimeout('T7', at('09:41:00')),
  // T8 is completed straight from assigned (no wrap-up): answered in 5 s by W1, 180 s talk, no wrap.
  tr.entered('T8', Q2, at('10:00:00')),
  tr.accepted('T8', Q2, W1, at('10:00:05')),
  tr.completed('T8', at('10:03:05')),
  tr.entered('T9', Q2, at('10:10:00')),
  tr.canceled('T9', at('10:40:00'), 'Task TTL Exceeded'),
  tr.activity(W1, 'Lunch', at('12:00:00')),
  tr.activity(W2, 'Offline', at('13:00:00')),
];

describe('a scripted TaskRouter day', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(inject('redisUrl'), { settings: { feeds: { twilio: twilioSettings } }, liveCallTimeoutMinutes: 0 });
    // Every callback out of order (the last first), then every third one again: redeliveries.
    const shuffled = [...script].reverse();
    const again = shuffled.filter((_, i) => i % 3 === 0);
    expect(new Set(await deliverAll(app, [...shuffled, ...again]))).toEqual(new Set([204]));
  });
  afterAll(() => app.close());

  it('gives queue __proto__ the figures worked out by hand', async () => {
    const q1 = await metrics(app, `queue:${Q1}`, DAY);
    // Offered T1, T2, T3, T4 (second segment), T5 (first), T6; answered T1 (20 s), T4 (40 s), T5 (10 s).
    expect(q1).toMatchObject({ offered: 6, answered: 3, answeredInSL: 2, abandoned: 2, shortAbandoned: 1, timedOut: 0, transfers: 1, handled: 3 });
    expect(q1.serviceLevel).toBeCloseTo(2 / (3 + 2 - 1 + 0));
    expect(q1.abandonRate).toBeCloseTo((2 - 1) / (6 - 1));
    expect(q1.asaMs).toBeCloseTo(((20 + 40 + 10) * S) / 3);
    // T1 300 + 60, T4 360 + 60, T5's first part 120 (a transfer has no wrap-up).
    expect(q1).toMatchObject({ talkMs: (300 + 360 + 120) * S, holdMs: 0, wrapMs: (60 + 60) * S });
    expect(q1.ahtMs).toBeCloseTo(((300 + 60 + 360 + 60 + 120) * S) / 3);
    const live = await metrics(app, `queue:${Q1}`);
    expect(live.waiting).toBe(1);
    expect(Date.parse(live.longestWaitSince)).toBe(at('09:30:00'));
  });

  it('gives queue constructor the figures worked out by hand', async () => {
    const q2 = await metrics(app, `queue:${Q2}`, DAY);
    // Offered T4 (first segment), T5 (second), T7, T8, T9; answered T5 (10 s) and T8 (5 s); T4, T7 and T9 timed out.
    expect(q2).toMatchObject({ offered: 5, answered: 2, answeredInSL: 2, abandoned: 0, timedOut: 3, transfers: 0, handled: 2 });
    expect(q2.serviceLevel).toBeCloseTo(2 / (2 + 0 - 0 + 3));
    expect(q2.abandonRate).toBe(0);
    expect(q2.asaMs).toBeCloseTo(((10 + 5) * S) / 2);
    expect(q2).toMatchObject({ talkMs: (180 + 180) * S, wrapMs: 30 * S });
    expect(q2.ahtMs).toBeCloseTo(((180 + 30 + 180) * S) / 2);
    expect((await metrics(app, `queue:${Q2}`)).waiting).toBe(0);
  });

  it('gives each worker its answers and its own handling, and its activity as its state', async () => {
    const w1 = await metrics(app, `agent:${W1}`, DAY);
    // W1 answered T1 (20 s), T5 (10 s), T8 (5 s) first; handled T1, T5's first part (a transfer) and T8.
    expect(w1).toMatchObject({ answered: 3, answeredInSL: 3, handled: 3, transfers: 1, talkMs: (300 + 120 + 180) * S, wrapMs: 60 * S });
    expect(w1.asaMs).toBeCloseTo(((20 + 10 + 5) * S) / 3);
    const w2 = await metrics(app, `agent:${W2}`, DAY);
    expect(w2).toMatchObject({ answered: 2, answeredInSL: 1, handled: 2, transfers: 0, talkMs: (360 + 180) * S, wrapMs: (60 + 30) * S });
    expect(w2.asaMs).toBeCloseTo(((40 + 10) * S) / 2);
    const all = await metrics(app, 'all');
    // Lunch is mapped to break in the settings; Offline is one of the defaults.
    expect(all.agents).toEqual({ available: 0, onCall: 0, wrap: 0, break: 1, offline: 1 });
    expect((await metrics(app, `agent:${W1}`)).roster).toEqual([expect.objectContaining({ agent: W1, state: 'break', reason: 'Lunch' })]);
  });

  it('sums the queues into all, and the self-audit finds the counters equal to the stored events', async () => {
    const all = await metrics(app, 'all', DAY);
    expect(all).toMatchObject({ offered: 11, answered: 5, answeredInSL: 4, abandoned: 2, shortAbandoned: 1, timedOut: 3, handled: 5, transfers: 1 });
    expect(all.serviceLevel).toBeCloseTo(4 / (5 + 2 - 1 + 3));
    const audit = await app.request('GET', `/api/v1/ops/verify?day=${DAY}`, { token: app.apiToken });
    expect(audit.status).toBe(200);
    expect(audit.body.differences).toEqual([]);
  });
});

describe('what the route refuses, ignores and retries', () => {
  let app: TestApp;
  const MIN = 60_000;
  // Noon (UTC, the server's zone) of the day before: every call of a test, up to base + 5 minutes, is on one day.
  const base = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 12 * 60 * MIN;
  const day = new Date(base).toISOString().slice(0, 10);
  const figures = async (queue: string) => metrics(app, `queue:${queue}`, day);
  beforeAll(async () => {
    app = await startApp(inject('redisUrl'), { settings: { feeds: { twilio: twilioSettings } } });
  });
  afterAll(() => app.close());

  it('counts a redelivered callback once and an answer sent before its offer as if in order', async () => {
    const answer = tr.accepted('R1', 'redelivery', W1, base + 12 * S);
    const offer = tr.entered('R1', 'redelivery', base);
    for (const callback of [answer, offer, answer, offer]) expect((await deliver(app, callback)).status).toBe(204);
    expect(await figures('redelivery')).toMatchObject({ offered: 1, answered: 1, answeredInSL: 1, asaMs: 12 * S });
    // The same event id through the events route is a duplicate too: ids come from the callback's Sid.
    const again = await app.request('POST', '/api/v1/events', {
      token: app.ingestToken,
      body: [{ id: `twilio-${offer.Sid}`, type: 'call.offered', ts: base, callId: offer.TaskSid, queue: 'redelivery' }],
    });
    expect(again.body).toEqual({ accepted: 0, duplicates: 1 });
  });

  it("ends the transferring worker's part when a warm transfer starts; the target's answer is a new part of the segment", async () => {
    const callbacks = [
      tr.entered('W1', 'warm', base),
      tr.accepted('W1', 'warm', 'warm-a', base + 10 * S),
      tr.transfer('W1', 'WARM', 'initiated', 'WK-warm-b', base + 70 * S),
      tr.accepted('W1', 'warm', 'warm-b', base + 80 * S),
      tr.transfer('W1', 'WARM', 'completed', 'WK-warm-b', base + 85 * S),
      tr.wrapup('W1', base + 200 * S),
      tr.completed('W1', base + 230 * S),
    ];
    for (const callback of callbacks) expect((await deliver(app, callback)).status).toBe(204);
    // One answer for the queue; two parts: warm-a talked 60 s and transferred, warm-b talked 120 s and wrapped up 30 s.
    expect(await figures('warm')).toMatchObject({ offered: 1, answered: 1, handled: 2, transfers: 1, talkMs: (60 + 120) * S, wrapMs: 30 * S });
    expect(await metrics(app, 'agent:warm-a', day)).toMatchObject({ answered: 1, handled: 1, transfers: 1, talkMs: 60 * S, wrapMs: 0 });
    expect(await metrics(app, 'agent:warm-b', day)).toMatchObject({ answered: 0, handled: 1, transfers: 0, talkMs: 120 * S, wrapMs: 30 * S });
  });

  it('answers 403 to a missing, forged, re-signed or tampered signature and changes nothing', async () => {
    const offer = tr.entered('S1', 'signed', base);
    expect((await deliver(app, offer, { signature: null })).status).toBe(403);
    expect((await deliver(app, offer, { signature: 'bm90IGEgc2lnbmF0dXJl' })).status).toBe(403);
    expect((await deliver(app, offer, { token: 'another-accounts-auth-token' })).status).toBe(403);
    expect((await deliver(app, offer, { url: 'https://elsewhere.example.com/api/v1/feeds/twilio' })).status).toBe(403);
    const signedForOther = await deliver(app, offer, {
      signature: twilio.getExpectedTwilioSignature(AUTH_TOKEN, PUBLIC_URL, { ...offer, TaskQueueName: 'other' }),
    });
    expect(signedForOther.status).toBe(403);
    expect(signedForOther.text).not.toContain(AUTH_TOKEN);
    expect((await figures('signed')).offered).toBe(0);
    expect((await deliver(app, offer)).status).toBe(204);
    expect((await figures('signed')).offered).toBe(1);
  });

  it('answers 400 naming the field of a payload it cannot map, and changes nothing', async () => {
    const { TaskQueueName: _queue, ...noQueue } = tr.entered('B1', 'bad', base);
    const noQueueRes = await deliver(app, noQueue);
    expect(noQueueRes.status).toBe(400);
    expect(noQueueRes.body.errors[0].message).toMatch(/^TaskQueueName: is required for task-queue\.entered/);
    const { Sid: _sid, EventSid: _eventSid, ...noSid } = tr.entered('B2', 'bad', base);
    expect((await deliver(app, noSid)).body.message).toMatch(/^Sid: is required/);
    const { WorkerName: _name, ...noWorker } = tr.accepted('B3', 'bad', W1, base);
    expect((await deliver(app, noWorker)).body.message).toMatch(/^WorkerName: is required for reservation\.accepted/);
    const badTime = await deliver(app, { ...tr.entered('B4', 'bad', base), TimestampMs: 'yesterday' });
    expect(badTime.body.message).toMatch(/^TimestampMs: must be epoch milliseconds/);
    // Valid for TaskRouter but not for the contract: an instant past the server's clock.
    const future = await deliver(app, { ...tr.entered('B5', 'bad', base), TimestampMs: String(Date.now() + 60 * MIN) });
    expect(future.status).toBe(400);
    expect(future.body.message).toMatch(/^TimestampMs \(ts\): must be between/);
    expect((await deliver(app, { ...tr.entered('B6', 'bad', base), TaskQueueName: 'x'.repeat(129) })).body.message).toMatch(
      /^TaskQueueName \(queue\): must be 1 to 128/,
    );
    const twoBad = await deliver(app, { ...tr.entered('B7', 'x'.repeat(129), base), TaskSid: 'WT\u0007' });
    expect(twoBad.body.message).toMatch(/^TaskSid \(callId\): must not contain control characters; TaskQueueName \(queue\): must be 1 to 128/);
    expect(await figures('bad')).toMatchObject({ offered: 0, answered: 0 });
  });

  it('answers 204 to events it does not count, and counts nothing for them', async () => {
    for (const type of ['task.created', 'reservation.created', 'reservation.rejected', 'task-queue.moved', 'workflow.entered', 'worker.attributes.update']) {
      expect((await deliver(app, { ...tr.other(type, 'I1', base), TaskQueueName: 'ignored', WorkerName: W1 })).status).toBe(204);
    }
    expect((await figures('ignored')).offered).toBe(0);
    expect((await metrics(app, `agent:${W1}`, day)).answered).toBe(1);
  });

  it('answers 415 to a body that is not form-encoded', async () => {
    const res = await app.request('POST', '/api/v1/feeds/twilio', { body: tr.entered('M1', 'media', base), headers: { 'X-Twilio-Signature': 'x' } });
    expect(res.status).toBe(415);
  });

  it('answers 503 when the store refuses the event, stores nothing, and counts the redelivery', async () => {
    const poisoned = `${app.prefix}i:queue:refused:${day}`;
    await app.redis.set(poisoned, 'not a hash');
    const offer = tr.entered('F1', 'refused', base + 5 * MIN);
    const refused = await deliver(app, offer);
    expect(refused.status).toBe(503);
    expect(refused.body.error).toBe('store_unavailable');
    await app.redis.del(poisoned);
    expect((await figures('refused')).offered).toBe(0);
    expect((await deliver(app, offer)).status).toBe(204);
    expect((await figures('refused')).offered).toBe(1);
  });

  it('never shows the auth token to a client', async () => {
    const config = await app.request('GET', '/api/v1/config', { token: app.apiToken });
    expect(config.status).toBe(200);
    expect(config.text).not.toContain(AUTH_TOKEN);
  });
});

describe('configuration', () => {
  it('answers 404 naming the setting while the feed has no auth token', async () => {
    const app = await startApp(inject('redisUrl'));
    try {
      const res = await deliver(app, tr.entered('C1', 'off', Date.now() - 60_000));
      expect(res.status).toBe(404);
      expect(res.body.message).toMatch(/WALLBOARD_TWILIO_AUTH_TOKEN/);
    } finally {
      await app.close();
    }
  });

  it('checks the signature against the URL as received when no public URL is set', async () => {
    const app = await startApp(inject('redisUrl'), { settings: { feeds: { twilio: { authToken: AUTH_TOKEN, activities: [] } } } });
    try {
      const at = Date.now() - 60_000;
      const offer = tr.entered('U1', 'received', at);
      expect((await deliver(app, offer)).status).toBe(403);
      expect((await deliver(app, offer, { url: `${app.url}/api/v1/feeds/twilio` })).status).toBe(204);
      expect((await metrics(app, 'queue:received', new Date(at).toISOString().slice(0, 10))).offered).toBe(1);
    } finally {
      await app.close();
    }
  });
});

describe('Redis down', () => {
  it('answers 503 while Redis is unreachable, and counts the callback once it is sent again', async () => {
    const redis = await startTestRedis();
    const app = await startApp(redis.url, { settings: { feeds: { twilio: twilioSettings } }, watchEveryMs: 50 });
    try {
      const at = Date.now() - 60_000;
      const offer = tr.entered('D1', 'down', at);
      // The server hears Redis go and come back by its health watch, which raises and clears the automatic banner.
      const socket = app.socket(app.apiToken);
      await nextEvent(socket, 'banners');
      const isDown = (list: Banner[]) => list.some((b) => b.source === 'auto' && /unreachable/.test(b.message));
      const down = nextEvent<Banner[]>(socket, 'banners', isDown);
      await redis.halt();
      await down;
      expect(await deliver(app, offer)).toMatchObject({ status: 503, body: { error: 'store_unavailable' } });
      const up = nextEvent<Banner[]>(socket, 'banners', (list) => !isDown(list));
      await redis.resume();
      await up;
      expect((await deliver(app, offer)).status).toBe(204);
      expect((await metrics(app, 'queue:down', new Date(at).toISOString().slice(0, 10))).offered).toBe(1);
    } finally {
      await app.close();
      await redis.stop();
    }
  });
});

describe('configuration from the environment', () => {
  it('lays WALLBOARD_TWILIO_AUTH_TOKEN and WALLBOARD_TWILIO_PUBLIC_URL over the settings, and names a bad URL', () => {
    const config = readConfig({ WALLBOARD_TWILIO_AUTH_TOKEN: AUTH_TOKEN, WALLBOARD_TWILIO_PUBLIC_URL: PUBLIC_URL, WALLBOARD_CONFIG: '' });
    expect(config.settings.feeds.twilio).toMatchObject({ authToken: AUTH_TOKEN, publicUrl: PUBLIC_URL, activities: [] });
    expect(readConfig({}).settings.feeds.twilio).toBeUndefined();
    expect(() => readConfig({ WALLBOARD_TWILIO_PUBLIC_URL: 'wallboard.example.com/feed' })).toThrow(/^WALLBOARD_TWILIO_PUBLIC_URL: /);
  });
});
