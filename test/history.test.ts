// WALLBOARD_HISTORY_MONTHS: days past the history lose their figures and call records; nothing else is touched.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { firstKeptDay } from '../server/domain/history.ts';
import { startApp, type TestApp } from './support/app.ts';
import { ev, metrics, send } from './support/events.ts';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const at = (iso: string) => Date.parse(iso);
const call = (callId: string, start: number, queue = 'sales', agent = 'a1') => [
  ev('call.offered', start, { callId, queue }),
  ev('call.answered', start + 5_000, { callId, agent }),
  ev('call.ended', start + 65_000, { callId }),
  ev('call.wrapped', start + 75_000, { callId, resolved: true }),
];

async function allKeys(app: TestApp): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, found] = await app.redis.scan(cursor, 'MATCH', `${app.prefix.replace(/[{}*?[\]]/g, (c) => `\\${c}`)}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of found) out.set(key, await app.redis.type(key));
  } while (cursor !== '0');
  return out;
}

describe('the first day kept', () => {
  it('is the same day of the month, that many months back', () => {
    expect(firstKeptDay('2026-11-25', 13)).toBe('2025-10-25');
    expect(firstKeptDay('2026-03-31', 1)).toBe('2026-02-28');
    expect(firstKeptDay('2026-11-25', 0)).toBe('2026-11-25');
  });
});

describe('pruning the history', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(inject('redisUrl'), { clock: () => NOW });
    const res = await send(app, [
      ...call('old', at('2025-10-24T23:50:00Z')),
      ...call('edge', at('2025-10-25T00:10:00Z'), '__proto__', 'constructor'),
      ...call('recent', at('2026-11-20T09:00:00Z')),
      ev('agent.state', at('2025-10-24T08:00:00Z'), { agent: 'a1', state: 'available' }),
    ]);
    expect(res.status).toBe(202);
  });
  afterAll(() => app.close());

  it('removes every per-day key of the days before the first kept day, and no other key', async () => {
    const before = await allKeys(app);
    const kept = { edge: await metrics(app, 'queue:__proto__', '2025-10-25'), recent: await metrics(app, 'all', '2026-11-20') };
    const doomed = [...before.keys()].filter((k) => k.startsWith(`${app.prefix}i:`) && k.endsWith(':2025-10-24'));
    // The old day had counters for `all`, its queue and agent, and a call log.
    expect(doomed.map((k) => k.slice(app.prefix.length)).sort()).toEqual([
      'i:agent:a1:2025-10-24',
      'i:all:2025-10-24',
      'i:calls:2025-10-24',
      'i:queue:sales:2025-10-24',
    ]);

    expect(await app.application.pruneHistory()).toBe(doomed.length);

    const after = await allKeys(app);
    expect([...before.keys()].filter((k) => !after.has(k)).sort()).toEqual(doomed.sort());
    expect([...after.keys()].filter((k) => !before.has(k))).toEqual([]);
    expect((await metrics(app, 'queue:sales', '2025-10-24')).offered).toBe(0);
    const edge = await metrics(app, 'queue:__proto__', '2025-10-25');
    const recent = await metrics(app, 'all', '2026-11-20');
    expect({ ...edge, asOf: 0 }).toEqual({ ...kept.edge, asOf: 0 });
    expect(edge).toMatchObject({ offered: 1, handled: 1 });
    expect({ ...recent, asOf: 0 }).toEqual({ ...kept.recent, asOf: 0 });
    const calls = await app.request('GET', '/api/v1/calls?from=2025-10-01&to=2026-11-25', { token: app.apiToken });
    expect(calls.body.calls.map((c: { callId: string }) => c.callId)).toEqual(['recent', 'edge']);
    // A second pass finds nothing more.
    expect(await app.application.pruneHistory()).toBe(0);
  });

  it('keeps the day keys at least as long as the history', async () => {
    const ttl = await app.redis.pttl(`${app.prefix}i:calls:2026-11-20`);
    // Thirteen consecutive months span at most 397 days (eight of them with 31 days, a leap February).
    expect(ttl).toBeGreaterThan(397 * 86_400_000);
  });
});
