// The call log's edges: role rules, ids that are data, hostile text in the CSV, bad parameters, a cursor under ingest.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CallRecord } from '../shared/calls.ts';
import { Calendar } from '../server/domain/calendar.ts';
import { startApp, type TestApp } from './support/app.ts';
import { ev, s, send } from './support/events.ts';

let app: TestApp;
const tokens: Record<string, string> = {};
const DAY = new Date(s(0)).toISOString().slice(0, 10);

/** A whole answered call. */
const answered = (callId: string, queue: string, agent: string, at: number, caller?: string) => [
  ev('call.offered', at, { callId, queue, ...(caller === undefined ? {} : { caller }) }),
  ev('call.answered', at + 10_000, { callId, agent }),
  ev('call.ended', at + 70_000, { callId }),
  ev('call.wrapped', at + 90_000, { callId, resolved: true }),
];

beforeAll(async () => {
  app = await startApp(inject('redisUrl'));
  await app.request('PUT', '/api/v1/teams/red', { token: app.apiToken, body: { name: 'Red', agents: ['r1', 'constructor'] } });
  await app.request('PUT', '/api/v1/teams/blue', { token: app.apiToken, body: { name: 'Blue', agents: ['b1'] } });
  const make = async (role: string, subject?: string) =>
    (await app.request('POST', '/api/v1/tokens', { token: app.apiToken, body: { role, name: role, ...(subject ? { subject } : {}) } })).body.token as string;
  Object.assign(tokens, {
    lead: await make('lead', 'red'),
    agent: await make('agent', 'r1'),
    display: await make('display'),
    board: await make('display', 'sales'),
  });
  const res = await send(app, [
    ...answered('c-red', 'sales', 'r1', s(0), '=HYPERLINK("http://x")'),
    ...answered('c-proto', '__proto__', 'constructor', s(100), 'Zoë, "the" caller\nline two'),
    ...answered('c-blue', 'support', 'b1', s(200), '+44 20 7946 0000'),
    ev('call.offered', s(300), { callId: 'toString', queue: 'constructor', caller: '__proto__' }),
  ]);
  expect(res.status).toBe(202);
});
afterAll(() => app.close());

const ids = async (query: string, token: string) => {
  const res = await app.request('GET', `/api/v1/calls?from=${DAY}&to=${DAY}${query}`, { token });
  return { status: res.status, ids: (res.body?.calls as CallRecord[] | undefined)?.map((c) => c.callId), body: res.body };
};

describe('who sees which calls', () => {
  it('a supervisor sees every call, newest first', async () => {
    expect((await ids('', app.apiToken)).ids).toEqual(['toString', 'c-blue', 'c-proto', 'c-red']);
  });
  it("a lead sees its teams' calls, and may filter by its agents and teams only", async () => {
    expect((await ids('', tokens.lead!)).ids).toEqual(['c-proto', 'c-red']);
    expect((await ids('&agent=constructor', tokens.lead!)).ids).toEqual(['c-proto']);
    expect((await ids('&team=red', tokens.lead!)).ids).toEqual(['c-proto', 'c-red']);
    expect((await ids('&queue=support', tokens.lead!)).ids).toEqual([]);
    expect((await ids('&agent=b1', tokens.lead!)).status).toBe(403);
    expect((await ids('&team=blue', tokens.lead!)).status).toBe(403);
  });
  it('an agent sees its own calls only', async () => {
    expect((await ids('', tokens.agent!)).ids).toEqual(['c-red']);
    expect((await ids('&agent=r1', tokens.agent!)).ids).toEqual(['c-red']);
    expect((await ids('&agent=constructor', tokens.agent!)).status).toBe(403);
    expect((await ids('&team=red', tokens.agent!)).status).toBe(403);
  });
  it("a display sees every call, a board's display those of its queues", async () => {
    expect((await ids('', tokens.display!)).ids).toEqual(['toString', 'c-blue', 'c-proto', 'c-red']);
    expect((await ids('', tokens.board!)).ids).toEqual(['c-red']);
    expect((await ids('&queue=support', tokens.board!)).status).toBe(403);
  });
  it('an ingest token and nobody are refused', async () => {
    expect((await ids('', app.ingestToken)).status).toBe(403);
    expect((await app.request('GET', '/api/v1/calls')).status).toBe(401);
  });
});

describe('ids are data', () => {
  it('finds calls by queue, agent, caller and team named like Object.prototype members', async () => {
    expect((await ids('&queue=__proto__', app.apiToken)).ids).toEqual(['c-proto']);
    expect((await ids('&queue=constructor', app.apiToken)).ids).toEqual(['toString']);
    expect((await ids('&agent=constructor', app.apiToken)).ids).toEqual(['c-proto']);
    expect((await ids('&caller=__proto__', app.apiToken)).ids).toEqual(['toString']);
    expect((await ids('&outcome=waiting', app.apiToken)).ids).toEqual(['toString']);
    const proto = (await ids('&queue=__proto__', app.apiToken)).body.calls[0] as CallRecord;
    expect(proto.segments).toEqual([{ queue: '__proto__', offeredAt: new Calendar('UTC').format(s(100)), outcome: 'answered', waitMs: 10_000 }]);
    expect(proto.parts[0]).toMatchObject({ agent: 'constructor', talkMs: 60_000, holdMs: 0, wrapMs: 20_000, transferredTo: null, resolved: true });
    expect(proto).toMatchObject({ caller: 'Zoë, "the" caller\nline two', survey: null, resolved: true });
  });
});

describe('the CSV', () => {
  it('quotes every cell, doubles quotes, keeps line breaks and accents, and guards formula-like text', async () => {
    const res = await app.request('GET', `/api/v1/calls?from=${DAY}&to=${DAY}`, { token: app.apiToken, accept: 'text/csv' });
    expect(res.status).toBe(200);
    // No byte-order mark: a program reading the API gets the header as written.
    expect(res.text.startsWith('"callId"')).toBe(true);
    const text = res.text;
    expect(text).toContain('"\'=HYPERLINK(""http://x"")"');
    expect(text).toContain('"Zoë, ""the"" caller\nline two"');
    // A phone number is its own value, as in the JSON: nothing in it can run.
    expect(text).toContain(',"+44 20 7946 0000",');
    // Numbers stay numbers; ids stay as they are.
    expect(text).toContain('"c-proto","Zoë, ""the"" caller\nline two","","');
    expect(text).toMatch(/"__proto__","[^"]+","answered","10000","constructor"/);
  });
});

describe('the formula guard', () => {
  it("prefixes ' to text starting with = or @, a tab or a carriage return, or + or - with more than a number, and to nothing else", async () => {
    const fresh = await startApp(inject('redisUrl'));
    try {
      const callers = ['@SUM(1)', '-2+3', '\tcmd', '\rcmd', '=1', '+cmd|calc', '-1-2+cmd', 'plain', 'a=b', '+1 (555) 010-0100', '-12.5', '-'];
      expect(
        (
          await send(
            fresh,
            callers.flatMap((caller, i) => answered(`g${i}`, 'q', 'x', s(10 * i), caller)),
          )
        ).status,
      ).toBe(202);
      const text = (await fresh.request('GET', `/api/v1/calls?from=${DAY}&to=${DAY}`, { token: fresh.apiToken, accept: 'text/csv' })).text;
      for (const caller of callers.slice(0, 7)) expect(text).toContain(`"'${caller}"`);
      for (const caller of callers.slice(7)) expect(text).toContain(`,"${caller}",`);
    } finally {
      await fresh.close();
    }
  });
});

describe('bad parameters', () => {
  const cases: [string, RegExp][] = [
    ['from=2026-02-30', /^from:/],
    ['from=yesterday', /^from:/],
    ['to=2026-03-10T10:00:00', /^to:/],
    ['from=2026-03-11&to=2026-03-10', /^to:/],
    ['outcome=lost', /^outcome:/],
    ['cursor=nonsense', /^cursor:/],
    ['limit=0', /^limit:/],
    ['queue=a%01b', /^queue:/],
    ['agent=', /^agent:/],
    ['queue=a&queue=b', /^queue:/],
  ];
  for (const [query, message] of cases) {
    it(`answers 400 naming the field for ${query}`, async () => {
      const res = await app.request('GET', `/api/v1/calls?${query}`, { token: app.apiToken });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(message);
    });
  }
  it('reads the whole kept log without from and to, and takes instants as epoch milliseconds', async () => {
    const all = await app.request('GET', '/api/v1/calls', { token: app.apiToken });
    expect(all.body.calls.map((c: CallRecord) => c.callId)).toEqual(['toString', 'c-blue', 'c-proto', 'c-red']);
    const since = await app.request('GET', `/api/v1/calls?from=${s(100)}&to=${s(201)}`, { token: app.apiToken });
    expect(since.body.calls.map((c: CallRecord) => c.callId)).toEqual(['c-blue', 'c-proto']);
  });

  it('answers 404 for a team that does not exist', async () => {
    expect((await ids('&team=nobody', app.apiToken)).status).toBe(404);
  });
});

describe('the cursor', () => {
  it('pages through every call once while new calls arrive, older and newer', async () => {
    const fresh = await startApp(inject('redisUrl'));
    try {
      const events = Array.from({ length: 30 }, (_, i) => answered(`p${String(i).padStart(2, '0')}`, 'q', 'x', s(1000 + i * 60))).flat();
      // Two calls start in the same millisecond: the cursor orders them by id.
      events.push(...answered('tie-a', 'q', 'x', s(1000 + 15 * 60)), ...answered('tie-b', 'q', 'x', s(1000 + 15 * 60)));
      expect((await send(fresh, events)).status).toBe(202);
      const seen: string[] = [];
      let cursor: string | undefined;
      let round = 0;
      do {
        const res = await fresh.request('GET', `/api/v1/calls?from=${DAY}&to=${DAY}&limit=4${cursor ? `&cursor=${cursor}` : ''}`, { token: fresh.apiToken });
        seen.push(...res.body.calls.map((c: CallRecord) => c.callId));
        cursor = res.body.next;
        // Meanwhile a newer call and a late event of an older one arrive.
        await send(fresh, [...answered(`new${round}`, 'q', 'x', s(5000 + round)), ev('call.survey', s(6000 + round), { callId: 'p00', score: 5 })]);
        round++;
      } while (cursor);
      const expectedIds = [...Array.from({ length: 30 }, (_, i) => `p${String(i).padStart(2, '0')}`), 'tie-a', 'tie-b'];
      expect([...seen].sort()).toEqual(expectedIds.sort());
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.indexOf('tie-b')).toBe(seen.indexOf('tie-a') - 1);
    } finally {
      await fresh.close();
    }
  });
});
