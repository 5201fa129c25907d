// The Asterisk queue_log adapter on real exported traffic (../shared/samples/asterisk), through the real API.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { agentId, parsePipeLine, queueLogToEvents } from '../server/adapters/asterisk.ts';
import { startApp, type TestApp } from './support/app.ts';

// The PBXware export has no licence that allows redistribution, so it is read from the samples folder
// beside the checkout (../shared/samples) when it is there, and not copied into the project.
const pbxwarePath = new URL('../../shared/samples/asterisk/pbxware-queue_log.pseudonymised.csv', import.meta.url);
const pbxware = existsSync(pbxwarePath) ? readFileSync(pbxwarePath, 'utf8') : null;
// The shape of a real Asterisk queue_log with system lines only (samples/asterisk/ivrlab-…-system-events-only.log).
const systemOnly = ['1767569446|NONE|NONE|NONE|QUEUESTART|', '1767664271|NONE|NONE|NONE|CONFIGRELOAD|', '1767664700|NONE|NONE|NONE|QUEUESTART|'].join('\n');
const DAYS = ['2018-11-29', '2018-11-30', '2018-12-01', '2018-12-02', '2018-12-03', '2018-12-04'];

describe('parsing', () => {
  it('reads native lines with NONE fields and an empty trailing field, and makes no call of system lines', () => {
    expect(parsePipeLine('1767569446|NONE|NONE|NONE|QUEUESTART|')).toMatchObject({ time: 1767569446, verb: 'QUEUESTART', data: [''] });
    expect(queueLogToEvents(systemOnly)).toEqual([]);
  });

  it('maps a native call', () => {
    const log = [
      '1700000000|1.1|sales|NONE|ENTERQUEUE||5551234|1',
      '1700000012|1.1|sales|PJSIP/201|CONNECT|12|1.2|3',
      '1700000100|1.1|sales|PJSIP/201|COMPLETECALLER|12|88|1',
    ].join('\n');
    expect(queueLogToEvents(log, { source: 'pbx1' }).map((e) => [e.type, e.ts, 'agent' in e ? e.agent : undefined])).toEqual([
      ['call.offered', 1700000000000, undefined],
      ['call.answered', 1700000012000, '201'],
      ['call.ended', 1700000100000, undefined],
      ['call.wrapped', 1700000100000, undefined],
    ]);
    expect(queueLogToEvents(log, { source: 'pbx1' })[0]).toMatchObject({ caller: '5551234', queue: 'sales' });
  });

  it('normalises agent channels', () => {
    expect(agentId('Agent/1127')).toBe('1127');
    expect(agentId('Local/1127@callback-agent')).toBe('1127');
  });
});

describe.skipIf(pbxware === null)('the PBXware export through the API (needs ../shared/samples)', () => {
  let app: TestApp;
  const total = async (scope: string) => {
    const sum: Record<string, number> = {};
    for (const day of DAYS) {
      const res = await app.request('GET', `/api/v1/metrics?scope=${scope}&day=${day}`, { token: app.apiToken });
      for (const [k, v] of Object.entries(res.body)) if (typeof v === 'number' && Number.isInteger(v) && k !== 'asOf') sum[k] = (sum[k] ?? 0) + v;
    }
    return sum;
  };
  beforeAll(async () => {
    app = await startApp(inject('redisUrl'), { tz: 'America/New_York' });
    const events = queueLogToEvents(pbxware!);
    const res = await app.request('POST', '/api/v1/events', { token: app.ingestToken, body: events });
    expect(res.status).toBe(202);
    // Importing the same file again changes nothing: ids come from the lines.
    expect((await app.request('POST', '/api/v1/events', { token: app.ingestToken, body: events })).body).toEqual({ accepted: 0, duplicates: events.length });
  });
  afterAll(() => app.close());

  it('gives the hand-checked counts of the sample', async () => {
    const it = await total('queue:IT');
    // 108 queued calls: 93 answered (64 within 30 s), 12 abandoned, 1 timed out, 2 still waiting at the cut.
    expect(it).toMatchObject({ offered: 108, answered: 93, answeredInSL: 64, abandoned: 12, timedOut: 1 });
    // 89 completed calls plus 2 transfers are handled; the 89 talk for 23,845 s in all.
    expect(it.handled).toBe(91);
    expect(it.transfers).toBe(2);
    const live = await app.request('GET', '/api/v1/metrics?scope=queue:IT', { token: app.apiToken });
    expect(live.body.waiting).toBe(2);
  });
});
