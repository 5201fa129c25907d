// Two server instances on one Redis: each one's cache of calls is only a hint, and the version check keeps figures exact.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Metrics } from '../shared/figures.ts';
import { nextEvent, startTwoInstances, type TestApp } from './support/app.ts';
import { ev, metrics, s } from './support/events.ts';

describe('two instances', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    [a, b] = await startTwoInstances(inject('redisUrl'));
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('give the same figures as one, whichever instance gets each event of a call', async () => {
    const story = [
      ev('call.offered', s(0), { callId: 'two-1', queue: 'twin' }),
      ev('call.answered', s(20), { callId: 'two-1', agent: 'tw1' }),
      ev('call.held', s(30), { callId: 'two-1' }),
      ev('call.resumed', s(40), { callId: 'two-1' }),
      ev('call.ended', s(100), { callId: 'two-1' }),
      ev('call.wrapped', s(130), { callId: 'two-1', resolved: true }),
    ];
    for (const [i, event] of story.entries()) {
      const app = i % 2 === 0 ? a : b;
      expect((await app.request('POST', '/api/v1/events', { token: app.ingestToken, body: [event] })).status).toBe(202);
    }
    // Each instance has now applied the call under a version the other moved on from.
    expect(
      (await a.request('POST', '/api/v1/events', { token: a.ingestToken, body: [ev('call.survey', s(300), { callId: 'two-1', score: 5 })] })).body,
    ).toEqual({ accepted: 1, duplicates: 0 });
    for (const app of [a, b]) {
      expect(await metrics(app, 'queue:twin', '2026-03-10')).toMatchObject({
        offered: 1,
        answered: 1,
        handled: 1,
        talkMs: 70000,
        holdMs: 10000,
        wrapMs: 30000,
        resolved: 1,
        surveys: 1,
        satisfied: 1,
      });
    }
    expect((await b.request('POST', '/api/v1/events', { token: b.ingestToken, body: story })).body).toEqual({ accepted: 0, duplicates: story.length });
  });

  it('push a change ingested on one instance to subscribers of the other', async () => {
    const socket = b.socket(b.apiToken);
    await new Promise((resolve) => socket.emit('subscribe', { scope: 'queue:twin-live' }, resolve));
    const pushed = nextEvent<Metrics>(socket, 'metrics', (m) => m.scope === 'queue:twin-live' && m.offered === 1);
    await a.request('POST', '/api/v1/events', { token: a.ingestToken, body: [ev('call.offered', Date.now(), { callId: 'two-live', queue: 'twin-live' })] });
    expect((await pushed).waiting).toBe(1);
  });
});
