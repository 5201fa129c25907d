// The call log of settled days is archived (compressed) by the hourly job; it reads, filters, pages, audits and
// exports the same, and a record written after the archive wins over the archived one.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CallRecord } from '../shared/calls.ts';
import { startApp, type TestApp } from './support/app.ts';
import { ev, send } from './support/events.ts';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const RANGE = 'from=2026-09-30&to=2026-11-25';
const call = (callId: string, start: number, queue: string, agent: string, caller: string) => [
  ev('call.offered', start, { callId, queue, caller }),
  ev('call.answered', start + 7_000, { callId, agent }),
  ev('call.ended', start + 67_000, { callId }),
  ev('call.wrapped', start + 80_000, { callId, resolved: false }),
];

let app: TestApp;
const escape = (prefix: string) => prefix.replace(/[{}*?[\]]/g, (c) => `\\${c}`);

async function list(a: TestApp, query = '', limit = 2): Promise<CallRecord[]> {
  const out: CallRecord[] = [];
  let cursor = '';
  do {
    const res = await a.request('GET', `/api/v1/calls?${RANGE}&limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`, { token: a.apiToken });
    expect(res.status, res.text).toBe(200);
    out.push(...res.body.calls);
    cursor = res.body.next ?? '';
  } while (cursor);
  return out;
}

beforeAll(async () => {
  app = await startApp(inject('redisUrl'), { clock: () => NOW });
  const at = (iso: string) => Date.parse(iso);
  const events = [
    ...call('o1', at('2026-10-01T09:00:00Z'), 'sales', 'a1', 'Zoë, "x"\n+1'),
    ...call('o2', at('2026-10-01T09:00:00Z'), 'support', 'a2', '=1+1'),
    ...call('o3', at('2026-10-01T17:30:00Z'), '__proto__', 'constructor', 'c3'),
    ...call('o4', at('2026-10-02T08:00:00Z'), 'sales', 'a2', 'c4'),
    ...call('r1', at('2026-11-20T10:00:00Z'), 'sales', 'a1', 'c5'),
  ];
  expect((await send(app, events)).status).toBe(202);
});
afterAll(() => app.close());

describe('archiving the call log of settled days', () => {
  it('moves the records of days past the event retention into one compressed key a day and reads back the same', async () => {
    const before = await list(app);
    expect(before.map((c) => c.callId)).toEqual(['r1', 'o4', 'o3', 'o2', 'o1']);
    const csvBefore = (await app.request('GET', `/api/v1/calls?${RANGE}`, { token: app.apiToken, accept: 'text/csv' })).text;

    expect(await app.application.compactCallLog()).toBe(4);
    const keys = (await app.redis.keys(`${escape(app.prefix)}i:call*`)).map((k) => k.slice(app.prefix.length)).sort();
    expect(keys).toEqual(['i:calls:2026-11-20', 'i:callz:2026-10-01', 'i:callz:2026-10-02']);

    expect(await list(app)).toEqual(before);
    expect(await list(app, '', 1000)).toEqual(before);
    expect((await list(app, '&queue=__proto__')).map((c) => c.callId)).toEqual(['o3']);
    expect((await list(app, '&agent=a2')).map((c) => c.callId)).toEqual(['o4', 'o2']);
    expect((await app.request('GET', `/api/v1/calls?${RANGE}`, { token: app.apiToken, accept: 'text/csv' })).text).toBe(csvBefore);
    expect((await app.request('GET', '/api/v1/ops/verify?day=2026-10-01', { token: app.apiToken })).body.differences).toEqual([]);
  });

  it('shows a record written after the archive once, in place of the archived one, and archives it in turn', async () => {
    expect((await send(app, [ev('call.survey', Date.parse('2026-10-01T19:00:00Z'), { callId: 'o3', score: 4 })])).status).toBe(202);
    const after = await list(app);
    expect(after.map((c) => c.callId)).toEqual(['r1', 'o4', 'o3', 'o2', 'o1']);
    expect(after.find((c) => c.callId === 'o3')!.survey).toBe(4);
    expect((await app.request('GET', '/api/v1/ops/verify?day=2026-10-01', { token: app.apiToken })).body.differences).toEqual([]);
    expect(await app.application.compactCallLog()).toBe(1);
    expect(await list(app)).toEqual(after);
    expect((await app.request('GET', '/api/v1/ops/verify?day=2026-10-01', { token: app.apiToken })).body.differences).toEqual([]);
  });

  it('exports archived days as records and imports them elsewhere', async () => {
    const archive = (await app.request('GET', '/api/v1/ops/export?from=2026-10-01&to=2026-11-25', { token: app.apiToken })).text;
    const other = await startApp(inject('redisUrl'), { clock: () => NOW });
    try {
      const res = await other.request('POST', '/api/v1/ops/import', { token: other.apiToken, raw: archive, contentType: 'application/x-ndjson' });
      expect(res.status, res.text).toBe(200);
      expect(await list(other)).toEqual(await list(app));
    } finally {
      await other.close();
    }
  });

  it('drops archived days with the rest of the history', async () => {
    const doomed = `${app.prefix}i:callz:2026-10-01`;
    expect(await app.redis.exists(doomed)).toBe(1);
    const later = await startApp(inject('redisUrl'), { prefix: app.prefix, clock: () => Date.parse('2027-11-05T12:00:00Z') });
    try {
      await later.application.pruneHistory();
      expect(await later.redis.exists(doomed)).toBe(0);
      expect(await later.redis.exists(`${app.prefix}i:calls:2026-11-20`)).toBe(1);
    } finally {
      await later.close();
    }
  });
});
