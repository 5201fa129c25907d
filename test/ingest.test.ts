// POST /api/v1/events: every bad input of the contract gets its status and a message naming the field; nothing of it counts.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApp, type TestApp } from './support/app.ts';
import { ev, metrics, s, send } from './support/events.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startApp(inject('redisUrl'));
});
afterAll(() => app.close());

const good = () => ev('call.offered', s(0), { callId: `ok-${Math.random()}`, queue: 'ingest-q' });

describe('bad events', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['an unknown type', { id: 'x1', type: 'call.exploded', ts: s(0), callId: 'c' }, /type: must be one of/],
    ['a missing callId', { id: 'x2', type: 'call.offered', ts: s(0), queue: 'q' }, /callId: is required/],
    ['a missing queue', { id: 'x3', type: 'call.offered', ts: s(0), callId: 'c' }, /queue: is required/],
    ['a mistyped agent', { id: 'x4', type: 'call.answered', ts: s(0), callId: 'c', agent: 7 }, /agent: /],
    ['a ts that is not a time', { id: 'x5', type: 'call.ended', ts: 'yesterday', callId: 'c' }, /ts: /],
    ['a ts without an offset', { id: 'x6', type: 'call.ended', ts: '2026-03-10T10:00:00', callId: 'c' }, /ts: /],
    ['a score of 6', { id: 'x7', type: 'call.survey', ts: s(0), callId: 'c', score: 6 }, /score: /],
    ['a score of 0', { id: 'x8', type: 'call.survey', ts: s(0), callId: 'c', score: 0 }, /score: /],
    ['a fractional score', { id: 'x9', type: 'call.survey', ts: s(0), callId: 'c', score: 4.5 }, /score: /],
    ['an unknown state', { id: 'x10', type: 'agent.state', ts: s(0), agent: 'a', state: 'lunch' }, /state: must be one of available, break, offline/],
    ['an empty id', { id: '', type: 'call.ended', ts: s(0), callId: 'c' }, /id: must be 1 to 128 characters/],
    ['an id of 129 characters', { id: 'x'.repeat(129), type: 'call.ended', ts: s(0), callId: 'c' }, /id: must be 1 to 128 characters/],
    ['a missing id', { type: 'call.ended', ts: s(0), callId: 'c' }, /id: is required/],
    ['a non-boolean resolved', { id: 'x11', type: 'call.wrapped', ts: s(0), callId: 'c', resolved: 'yes' }, /resolved: /],
    ['a transfer without target', { id: 'x12', type: 'call.transferred', ts: s(0), callId: 'c' }, /target: is required/],
    ['a missing ts', { id: 'x13', type: 'call.ended', callId: 'c' }, /^ts: is required$/],
    ['a null ts', { id: 'x14', type: 'call.ended', ts: null, callId: 'c' }, /^ts: must be epoch milliseconds \(an integer\) or an ISO-8601 string/],
    ['a boolean ts', { id: 'x15', type: 'call.ended', ts: true, callId: 'c' }, /^ts: must be epoch milliseconds \(an integer\) or an ISO-8601 string/],
    ['a fractional ts', { id: 'x16', type: 'call.ended', ts: 1793503263464.5, callId: 'c' }, /^ts: must be epoch milliseconds as an integer/],
  ];
  for (const [what, bad, message] of cases) {
    it(`rejects ${what} with 400, naming the field, and stores nothing of the batch`, async () => {
      const ok = good();
      const before = await metrics(app, 'queue:ingest-q', '2026-03-10');
      const res = await send(app, [ok, bad]);
      expect(res.status).toBe(400);
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors[0].index).toBe(1);
      expect(res.body.errors[0].message).toMatch(message);
      expect((await metrics(app, 'queue:ingest-q', '2026-03-10')).offered).toBe(before.offered);
      // The good event was not stored: sending it alone now is accepted, not a duplicate.
      expect((await send(app, [ok])).body).toEqual({ accepted: 1, duplicates: 0 });
    });
  }

  it('names the line of a broken NDJSON batch', async () => {
    const res = await app.request('POST', '/api/v1/events', {
      token: app.ingestToken,
      raw: `${JSON.stringify(good())}\n{not json\n`,
      contentType: 'application/x-ndjson',
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ index: 1, message: 'line is not valid JSON' }]);
  });

  it('rejects a body that is not an array, or not JSON, in the errors shape without an index', async () => {
    const notArray = await app.request('POST', '/api/v1/events', { token: app.ingestToken, body: good() });
    expect(notArray).toMatchObject({ status: 400, body: { errors: [{ message: expect.stringMatching(/must be a JSON array/) }] } });
    expect(notArray.body.errors[0]).not.toHaveProperty('index');
    const res = await app.request('POST', '/api/v1/events', { token: app.ingestToken, raw: '[{' });
    expect(res).toMatchObject({ status: 400, body: { errors: [{ message: expect.stringMatching(/not valid JSON/) }] } });
  });

  it('accepts both ts formats', async () => {
    const res = await send(app, [
      ev('agent.state', '2026-03-10T09:00:00.123-05:00' as never, { agent: 'fmt', state: 'available' }),
      ev('agent.state', s(1) as never, { agent: 'fmt2', state: 'break' }),
    ]);
    expect(res).toMatchObject({ status: 202, body: { accepted: 2, duplicates: 0 } });
  });

  it('reads ISO-8601 basic format, a decimal comma and an hour-only offset as the instants they name', async () => {
    const res = await send(app, [
      // 14:00:00Z, 14:00:12.5Z and 14:00:20.25Z, each written another way.
      ev('call.offered', '20260310T090000-0500' as never, { callId: 'fmt-basic', queue: 'fmt-q' }),
      ev('call.answered', '2026-03-10T19:30:12,5+05:30' as never, { callId: 'fmt-basic', agent: 'fmt-a' }),
      ev('call.offered', '2026-03-10T15:00:00+01' as never, { callId: 'fmt-hour', queue: 'fmt-q' }),
      ev('call.answered', '20260310T140020,25Z' as never, { callId: 'fmt-hour', agent: 'fmt-a' }),
    ]);
    expect(res).toMatchObject({ status: 202, body: { accepted: 4, duplicates: 0 } });
    const queue = await metrics(app, 'queue:fmt-q', '2026-03-10');
    expect(queue).toMatchObject({ offered: 2, answered: 2, asaMs: (12_500 + 20_250) / 2 });
    expect(queue.intervals.map((i: { start: string }) => i.start)).toEqual(['2026-03-10T14:00:00.000Z']);
  });
});

describe('limits and tokens', () => {
  it('answers 413 over 10,000 events', async () => {
    const batch = Array.from({ length: 10_001 }, (_, i) => ({ id: `big${i}`, type: 'call.ended', ts: s(0), callId: 'big' }));
    expect((await send(app, batch)).status).toBe(413);
  });

  it('answers 413 over 10 MB', async () => {
    const res = await app.request('POST', '/api/v1/events', { token: app.ingestToken, raw: `[${' '.repeat(10 * 1024 * 1024 + 10)}]` });
    expect(res.status).toBe(413);
  });

  it('answers 401 without a token or with a bad one, and 403 to a token that may not ingest', async () => {
    expect((await app.request('POST', '/api/v1/events', { body: [good()] })).status).toBe(401);
    expect((await app.request('POST', '/api/v1/events', { token: 'nope', body: [good()] })).status).toBe(401);
    expect((await app.request('POST', '/api/v1/events', { token: app.apiToken, body: [good()] })).status).toBe(403);
  });

  it('forbids the ingest token to read', async () => {
    expect((await app.request('GET', '/api/v1/metrics?scope=all', { token: app.ingestToken })).status).toBe(403);
  });

  it('rejects a bad scope or day by name', async () => {
    const scope = await app.request('GET', '/api/v1/metrics?scope=planet:mars', { token: app.apiToken });
    expect(scope.status).toBe(400);
    expect(scope.body.message).toMatch(/^scope: /);
    const day = await app.request('GET', '/api/v1/metrics?scope=all&day=2026-13-45', { token: app.apiToken });
    expect(day.status).toBe(400);
    expect(day.body.message).toMatch(/^day: /);
  });

  it('serves health', async () => {
    const res = await app.request('GET', '/healthz');
    expect(res).toMatchObject({ status: 200, body: { ok: true, redis: 'up' } });
  });
});
