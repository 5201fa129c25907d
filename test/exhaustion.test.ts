// Resource exhaustion: input whose cost is in its shape (nesting, line count, list sizes) is refused by a limit, early.
import { request } from 'node:http';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { readConfig } from '../server/config.ts';
import { MAX_ACTIVE_BANNERS } from '../server/domain/banners.ts';
import { MAX_REDELIVERED } from '../server/domain/coaching.ts';
import { linesWithContent, MAX_NESTING, nestingDepth, parseBatch } from '../server/http/batchBody.ts';
import { DEFAULT_PROMPTS_PER_MINUTE } from '../server/http/prompts.ts';
import { MAX_INTERVAL_DAYS } from '../server/http/reports.ts';
import { TWILIO_FEED_PATH } from '../server/http/feeds.ts';
import { MAX_SCOPES_PER_SOCKET } from '../server/socket/hub.ts';
import { nextEvent, startApp, type TestApp } from './support/app.ts';
import { ev, s, send } from './support/events.ts';
import { AUTH_TOKEN, deliver, tr } from './support/taskrouter.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startApp(inject('redisUrl'));
});
afterAll(() => app.close());

const ndjson = (raw: string) => app.request('POST', '/api/v1/events', { token: app.ingestToken, raw, contentType: 'application/x-ndjson' });
const json = (raw: string) => app.request('POST', '/api/v1/events', { token: app.ingestToken, raw, contentType: 'application/json' });

describe('ingest bodies whose parsing alone would stall the server', () => {
  it('refuses arrays nested past the limit with a 400 naming the nesting, before JSON.parse', async () => {
    const parse = vi.spyOn(JSON, 'parse');
    const res = await json('['.repeat(100_000) + ']'.repeat(100_000));
    const parsedBody = parse.mock.calls.some(([text]) => typeof text === 'string' && text.length >= 200_000);
    parse.mockRestore();
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ message: expect.stringMatching(new RegExp(`nests arrays or objects more than ${MAX_NESTING} deep`)) }]);
    expect(parsedBody).toBe(false);
  });

  it('refuses an NDJSON line nested past the limit, and counts each line alone', async () => {
    const deep = `${JSON.stringify(ev('call.offered', s(0), { callId: 'deep-1', queue: 'deep-q' }))}\n${'{"a":'.repeat(50_000)}`;
    expect((await ndjson(deep)).status).toBe(400);
    // Twenty lines of depth 2 each are fine: depth is per line, not summed over the body.
    expect(nestingDepth('{"a":[1]}\n'.repeat(20), MAX_NESTING, true)).toBe(2);
    expect(nestingDepth('{"a":"[[[[{{{{\\"]"}', MAX_NESTING)).toBe(1);
  });

  it('answers 413 for more than 10,000 NDJSON lines without parsing any of them', () => {
    const parse = vi.spyOn(JSON, 'parse');
    let status = 0;
    try {
      parseBatch('x\n'.repeat(10_001), 'application/x-ndjson', 10_000);
    } catch (err) {
      status = (err as { status: number }).status;
    }
    const calls = parse.mock.calls.length;
    parse.mockRestore();
    expect(status).toBe(413);
    expect(calls).toBe(0);
    // Counted without splitting, as the lines kept are: white space (CR, no-break space) is a blank line.
    expect(linesWithContent(' \n\u00a0\n a \r\nb')).toBe(2);
    expect(linesWithContent('{}\r\n\r\n{}')).toBe(2);
  });

  it('still takes NDJSON with blank lines, CRLF and a last line without a newline', async () => {
    const a = ev('call.offered', s(1), { callId: `nd-${Math.random()}`, queue: 'nd-q' });
    const b = ev('call.offered', s(2), { callId: `nd-${Math.random()}`, queue: 'nd-q' });
    const res = await ndjson(`\n\n${JSON.stringify(a)}\r\n\r\n${JSON.stringify(b)}`);
    expect(res.body).toEqual({ accepted: 2, duplicates: 0 });
    expect((await send(app, [ev('call.offered', s(3), { callId: `nd-${Math.random()}`, queue: 'nd-q', extra: { a: [1, { b: 2 }] } })])).status).toBe(202);
  });
});

describe('banners', () => {
  it(`keeps at most ${MAX_ACTIVE_BANNERS} active at once, even raised all together, and answers the rest 409`, async () => {
    const raise = (message: string) => app.request('POST', '/api/v1/banners', { token: app.apiToken, body: { severity: 'info', message } });
    const answers = await Promise.all(Array.from({ length: MAX_ACTIVE_BANNERS + 10 }, (_, i) => raise(`banner ${i}`)));
    expect(answers.filter((r) => r.status === 201)).toHaveLength(MAX_ACTIVE_BANNERS);
    const refused = answers.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(10);
    expect(refused[0]!.status).toBe(409);
    expect(refused[0]!.body.message).toMatch(new RegExp(`at most ${MAX_ACTIVE_BANNERS} banners may be active`));
    const list = await app.request('GET', '/api/v1/banners', { token: app.apiToken });
    expect(list.body.filter((b: { source: string }) => b.source === 'manual')).toHaveLength(MAX_ACTIVE_BANNERS);
    // Clearing one makes room for one.
    expect((await app.request('DELETE', `/api/v1/banners/${answers[0]!.body.id}`, { token: app.apiToken })).status).toBe(204);
    expect((await raise('after clearing')).status).toBe(201);
    expect((await raise('one too many')).status).toBe(409);
  });
});

describe('Socket.IO subscriptions', () => {
  it(`holds a burst of subscriptions to ${MAX_SCOPES_PER_SOCKET} a connection, counting those still on their way`, async () => {
    const socket = app.socket(app.apiToken);
    await nextEvent(socket, 'connect');
    const burst = MAX_SCOPES_PER_SOCKET + 200;
    const answers = await Promise.all(
      Array.from(
        { length: burst },
        (_, i) => new Promise<{ ok: boolean; error?: string }>((done) => socket.emit('subscribe', { scope: `agent:burst-${i}` }, done)),
      ),
    );
    socket.close();
    expect(answers.filter((a) => a.ok).length).toBeLessThanOrEqual(MAX_SCOPES_PER_SOCKET);
    expect(answers.filter((a) => !a.ok)[0]?.error).toMatch(/too many subscriptions/);
  });
});

describe('coaching prompts', () => {
  it('takes at most WALLBOARD_PROMPTS_PER_MINUTE prompts a minute from one sender and answers the next 429, others unaffected', async () => {
    const PER_MINUTE = 5;
    const capped = await startApp(inject('redisUrl'), { promptsPerMinute: PER_MINUTE });
    try {
      const token = (await capped.request('POST', '/api/v1/tokens', { token: capped.apiToken, body: { role: 'supervisor', name: 'prompt-flood' } })).body.token;
      const prompt = (as: string) => capped.request('POST', '/api/v1/prompts', { token: as, body: { to: 'agent:flooded', text: 'hello', priority: 'normal' } });
      const answers = await Promise.all(Array.from({ length: PER_MINUTE }, () => prompt(token)));
      expect(answers.map((r) => r.status)).toEqual(Array(PER_MINUTE).fill(201));
      const refused = await prompt(token);
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({
        error: 'too_many_requests',
        message: `too many prompts: at most ${PER_MINUTE} a minute from one sender; wait a minute`,
      });
      // Another sender still gets through.
      expect((await prompt(capped.apiToken)).status).toBe(201);
    } finally {
      await capped.close();
    }
  });

  it(`defaults WALLBOARD_PROMPTS_PER_MINUTE to ${DEFAULT_PROMPTS_PER_MINUTE}, takes 0 as off, and refuses a bad value naming the variable`, () => {
    expect(readConfig({}).promptsPerMinute).toBe(DEFAULT_PROMPTS_PER_MINUTE);
    expect(readConfig({ WALLBOARD_PROMPTS_PER_MINUTE: '0' }).promptsPerMinute).toBe(0);
    expect(() => readConfig({ WALLBOARD_PROMPTS_PER_MINUTE: 'lots' })).toThrow(/^WALLBOARD_PROMPTS_PER_MINUTE: /);
  });
});

describe('reports', () => {
  it("works out each day's period once, not once per stored figure (a team's year holds millions)", async () => {
    const agents = ['rep-a', 'rep-b', 'rep-c', 'rep-d', 'rep-e'];
    expect((await app.request('PUT', '/api/v1/teams/rep-team', { token: app.apiToken, body: { name: 'rep', agents } })).status).toBe(200);
    const events = agents.flatMap((agent) =>
      Array.from({ length: 20 }, (_, i) => {
        const [callId, at] = [`rep-${agent}-${i}`, i * 900];
        return [
          ev('call.offered', s(at), { callId, queue: 'rep-q' }),
          ev('call.answered', s(at + 10), { callId, agent }),
          ev('call.ended', s(at + 60), { callId }),
          ev('call.wrapped', s(at + 70), { callId, resolved: true }),
        ];
      }).flat(),
    );
    expect((await send(app, events)).status).toBe(202);
    const fromISO = vi.spyOn(DateTime, 'fromISO');
    const res = await app.request('GET', '/api/v1/reports?scope=team:rep-team&from=2026-03-09&to=2026-03-11&by=month', { token: app.apiToken });
    const calls = fromISO.mock.calls.length;
    fromISO.mockRestore();
    expect(res.status).toBe(200);
    expect(res.body.rows).toHaveLength(1);
    expect(res.body.rows[0]).toMatchObject({ handled: 100, resolved: 100 });
    // Three days: a few parses for the bounds and one per day, where there are hundreds of stored figures.
    expect(calls).toBeLessThan(20);
  });
});

describe('reports by interval', () => {
  it(`span at most ${MAX_INTERVAL_DAYS} days (a 400 naming to), while by=month still spans the longer range`, async () => {
    const get = (query: string) => app.request('GET', `/api/v1/reports?scope=all&${query}`, { token: app.apiToken });
    const long = await get('from=2025-01-01&to=2026-03-10&by=interval');
    expect(long.status).toBe(400);
    expect(long.body.message).toMatch(new RegExp(`^to: a report by interval spans at most ${MAX_INTERVAL_DAYS} days`));
    expect((await get('from=2025-01-01&to=2026-03-10&by=month')).status).toBe(200);
    expect((await get('from=2026-01-01&to=2026-04-01&by=interval')).status).toBe(200);
  });
});

describe('the Twilio feed, open to anyone', () => {
  it('answers 404 while it is off without reading the body (2 MB is not a 413)', async () => {
    const res = await app.request('POST', TWILIO_FEED_PATH, { raw: `a=${'x'.repeat(2 * 1024 * 1024)}`, contentType: 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(404);
    expect(res.body.message).toMatch(/WALLBOARD_TWILIO_AUTH_TOKEN/);
  });
});

describe('prompts waiting for an agent', () => {
  it(`are sent again on connecting up to the newest ${MAX_REDELIVERED}, oldest of them first`, async () => {
    const agentToken = (await app.request('POST', '/api/v1/tokens', { token: app.apiToken, body: { role: 'agent', subject: 'away', name: 'away' } })).body
      .token;
    const sender = (await app.request('POST', '/api/v1/tokens', { token: app.apiToken, body: { role: 'supervisor', name: 'away-coach' } })).body.token;
    const total = MAX_REDELIVERED + 5;
    for (let i = 0; i < total; i++) {
      const res = await app.request('POST', '/api/v1/prompts', { token: sender, body: { to: 'agent:away', text: `prompt ${i}`, priority: 'normal' } });
      expect(res.status).toBe(201);
    }
    const socket = app.socket(agentToken);
    const texts: string[] = [];
    socket.on('prompt', (delivery) => void texts.push(delivery.text));
    // The newest comes last: once it is here, redelivery is over.
    await nextEvent<{ text: string }>(socket, 'prompt', (d) => d.text === `prompt ${total - 1}`);
    socket.close();
    expect(texts).toEqual(Array.from({ length: MAX_REDELIVERED }, (_, i) => `prompt ${i + 5}`));
  });
});

describe('ingest bodies in flight', () => {
  it('answers 503 unread, with Retry-After, past WALLBOARD_INGEST_MAX_INFLIGHT_MB, and takes the resend once room is back', async () => {
    const small = await startApp(inject('redisUrl'), { maxIngestInflightBytes: 1024 * 1024 });
    try {
      const batch = (n: number) =>
        JSON.stringify(Array.from({ length: n }, (_, i) => ev('call.offered', s(i), { callId: `fl-${n}-${i}`, queue: 'fl', caller: 'c'.repeat(200) })));
      // A first batch of 800 kB whose body has only begun to arrive: its bytes are reserved.
      const first = batch(3000);
      const { hostname, port } = new URL(small.url);
      const headers = { authorization: `Bearer ${small.ingestToken}`, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(first)) };
      const held = request({ hostname, port, method: 'POST', path: '/api/v1/events', headers });
      const firstAnswer = new Promise<number>((done) => held.on('response', (res) => (res.resume(), done(res.statusCode ?? 0))));
      held.write(first.slice(0, 1000));
      await new Promise((done) => held.once('socket', (socket) => socket.once('connect', done)));
      // Until the server has taken the first request in, the second may still get through: retry until it is refused.
      let second = await small.request('POST', '/api/v1/events', { token: small.ingestToken, raw: batch(1000), contentType: 'application/json' });
      for (let tries = 0; tries < 50 && second.status === 202; tries++) {
        second = await small.request('POST', '/api/v1/events', { token: small.ingestToken, raw: batch(1000), contentType: 'application/json' });
      }
      expect(second.status).toBe(503);
      expect(second.headers.get('retry-after')).toBe('1');
      expect(second.body.errors[0].message).toMatch(/^busy: .* nothing was stored: send this one again$/);
      held.end(first.slice(1000));
      expect(await firstAnswer).toBe(202);
      expect((await small.request('POST', '/api/v1/events', { token: small.ingestToken, raw: batch(999), contentType: 'application/json' })).status).toBe(202);
    } finally {
      await small.close();
    }
  });
});

describe('WALLBOARD_INGEST_MAX_INFLIGHT_MB', () => {
  it('defaults to 32 MiB, takes 0 as off, and refuses a negative value naming the variable', () => {
    expect(readConfig({}).maxIngestInflightBytes).toBe(32 * 1024 * 1024);
    expect(readConfig({ WALLBOARD_INGEST_MAX_INFLIGHT_MB: '0' }).maxIngestInflightBytes).toBe(0);
    expect(() => readConfig({ WALLBOARD_INGEST_MAX_INFLIGHT_MB: '-1' })).toThrow(/^WALLBOARD_INGEST_MAX_INFLIGHT_MB: /);
  });
});

describe('the log, which callers can reach', () => {
  it("keeps a refused Twilio callback's URL (the caller's Host and path) to one short line", async () => {
    const lines: string[] = [];
    const feed = await startApp(inject('redisUrl'), {
      settings: { feeds: { twilio: { authToken: AUTH_TOKEN, activities: [] } } },
      log: (msg, extra) => void lines.push(JSON.stringify({ msg, ...extra })),
    });
    try {
      const res = await deliver(feed, tr.entered('LOG1', 'q', Date.now() - 60_000), { signature: 'forged', path: `/api/v1/feeds/twilio?${'x'.repeat(8000)}` });
      expect(res.status).toBe(403);
      const refused = lines.filter((line) => line.includes('signature does not match'));
      expect(refused).toHaveLength(1);
      expect(refused[0]!.length).toBeLessThan(600);
      expect(refused[0]).not.toContain(AUTH_TOKEN);
    } finally {
      await feed.close();
    }
  });
});
