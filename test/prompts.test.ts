// Coaching prompts: sent → delivered → acknowledged → replied, live to the lead; kept in a log with CSV export.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { PromptDelivery, PromptUpdate } from '../shared/socket.ts';
import { nextEvent, startApp, type TestApp } from './support/app.ts';

let app: TestApp;
let lead = '';
let otherLead = '';
let agentR1 = '';
let agentR2 = '';
beforeAll(async () => {
  app = await startApp(inject('redisUrl'));
  await app.request('PUT', '/api/v1/teams/red', { token: app.apiToken, body: { name: 'Red', agents: ['r1', 'r2'] } });
  await app.request('PUT', '/api/v1/teams/blue', { token: app.apiToken, body: { name: 'Blue', agents: ['b1'] } });
  const make = async (role: string, subject: string) =>
    (await app.request('POST', '/api/v1/tokens', { token: app.apiToken, body: { role, subject, name: `${role}-${subject}` } })).body.token as string;
  lead = await make('lead', 'red');
  otherLead = await make('lead', 'blue');
  agentR1 = await make('agent', 'r1');
  agentR2 = await make('agent', 'r2');
});
afterAll(() => app.close());

describe('a coaching exchange', () => {
  it('goes from sent to replied, live on both sides', async () => {
    const agent = app.socket(agentR1);
    await nextEvent(agent, 'banners'); // connected and registered
    const leadSocket = app.socket(lead);
    await nextEvent(leadSocket, 'banners');
    const updates: PromptUpdate[] = [];
    leadSocket.on('prompt:updated', (u: PromptUpdate) => updates.push(u));

    const received = nextEvent<PromptDelivery>(agent, 'prompt');
    const delivered = nextEvent<PromptUpdate>(leadSocket, 'prompt:updated', (u) => u.status === 'delivered');
    const res = await app.request('POST', '/api/v1/prompts', { token: lead, body: { to: 'agent:r1', text: 'Offer the callback option', priority: 'high' } });
    expect(res.status).toBe(201);
    const prompt = await received;
    expect(prompt).toMatchObject({ id: res.body.id, from: 'lead-red', text: 'Offer the callback option', priority: 'high' });
    expect(Number.isNaN(Date.parse(prompt.sentAt))).toBe(false);
    await delivered;

    const acknowledged = nextEvent<PromptUpdate>(leadSocket, 'prompt:updated', (u) => u.status === 'acknowledged');
    agent.emit('prompt:ack', { id: prompt.id });
    await acknowledged;
    const replied = nextEvent<PromptUpdate>(leadSocket, 'prompt:updated', (u) => u.status === 'replied');
    agent.emit('prompt:reply', { id: prompt.id, text: 'Will do' });
    expect(await replied).toMatchObject({ id: prompt.id, reply: 'Will do', agent: 'r1' });
    expect(updates.map((u) => u.status)).toEqual(['sent', 'delivered', 'acknowledged', 'replied']);

    // An ack after the reply (or a second one) is no step: the sender hears nothing back. The next reply is heard, and
    // arrives after anything the ack could have sent on the same socket.
    agent.emit('prompt:ack', { id: prompt.id });
    const again = nextEvent<PromptUpdate>(leadSocket, 'prompt:updated', (u) => u.reply === 'Done');
    agent.emit('prompt:reply', { id: prompt.id, text: 'Done' });
    await again;
    expect(updates.map((u) => u.status)).toEqual(['sent', 'delivered', 'acknowledged', 'replied', 'replied']);

    const log = await app.request('GET', '/api/v1/prompts?agent=r1', { token: app.apiToken });
    expect(log.body[0].recipients.r1).toMatchObject({ status: 'replied', reply: 'Done' });
    for (const step of ['deliveredAt', 'acknowledgedAt', 'repliedAt']) expect(log.body[0].recipients.r1[step]).toBeTruthy();
  });

  it('tells the sender when the agent has no screen open (r2 has none yet)', async () => {
    const leadSocket = app.socket(lead);
    await nextEvent(leadSocket, 'banners');
    const noScreen = nextEvent<PromptUpdate>(leadSocket, 'prompt:updated', (u) => u.noScreen === true);
    const res = await app.request('POST', '/api/v1/prompts', { token: lead, body: { to: 'agent:r2', text: 'Nobody home' } });
    expect(await noScreen).toMatchObject({ id: res.body.id, agent: 'r2', status: 'sent', noScreen: true });
  });

  it('reaches an agent who was away when it connects', async () => {
    const res = await app.request('POST', '/api/v1/prompts', { token: lead, body: { to: 'team:red', text: 'Team huddle at 3', priority: 'normal' } });
    expect(res.status).toBe(201);
    // Nobody had r2's screen open: the log says so, and the prompt stays "sent" until a screen opens.
    const before = await app.request('GET', '/api/v1/prompts?agent=r2', { token: app.apiToken });
    const away = before.body.find((r: { id: string }) => r.id === res.body.id).recipients.r2;
    expect(away).toMatchObject({ status: 'sent' });
    expect(away.noScreenAt).toBeTruthy();
    const agent = app.socket(agentR2);
    const prompt = await nextEvent<PromptDelivery>(agent, 'prompt', (p) => p.id === res.body.id);
    expect(prompt.text).toBe('Team huddle at 3');
  });

  it("tells a lead which of its team's agents have a screen open, and no one else's", async () => {
    // r1 and r2 have screens open from the tests above; b1 has none.
    const red = await app.request('GET', '/api/v1/prompts/screens?team=red', { token: lead });
    expect(red).toMatchObject({ status: 200, body: { agents: ['r1', 'r2'] } });
    expect((await app.request('GET', '/api/v1/prompts/screens?team=blue', { token: otherLead })).body).toEqual({ agents: [] });
    expect((await app.request('GET', '/api/v1/prompts/screens?team=blue', { token: lead })).status).toBe(403);
  });

  it('an agent may not acknowledge a prompt that is not theirs', async () => {
    const res = await app.request('POST', '/api/v1/prompts', { token: lead, body: { to: 'agent:r1', text: 'for r1 only' } });
    const intruder = app.socket(agentR2);
    await nextEvent(intruder, 'banners');
    const answer = await new Promise((resolve) => intruder.emit('prompt:ack', { id: res.body.id }, resolve));
    expect(answer).toMatchObject({ ok: false });
    // A reply with no id names the id.
    expect(await new Promise((resolve) => intruder.emit('prompt:reply', { text: 'hi' } as never, resolve))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^id: /),
    });
  });

  it('answers a lead that tries to acknowledge or reply (only agents do), instead of leaving it waiting', async () => {
    const res = await app.request('POST', '/api/v1/prompts', { token: lead, body: { to: 'agent:r1', text: 'a lead cannot ack this' } });
    const leadSocket = app.socket(lead);
    await nextEvent(leadSocket, 'banners');
    for (const event of ['prompt:ack', 'prompt:reply'] as const) {
      const answer = await new Promise((resolve) => leadSocket.emit(event, { id: res.body.id, text: 'x' }, resolve));
      expect(answer, event).toMatchObject({ ok: false, code: 'forbidden' });
    }
  });
});

describe('status updates', () => {
  it('go to the sender only, even when another token has the same name', async () => {
    const twin = (await app.request('POST', '/api/v1/tokens', { token: app.apiToken, body: { role: 'lead', subject: 'red', name: 'lead-red' } })).body.token;
    const twinSocket = app.socket(twin);
    const senderSocket = app.socket(lead);
    await Promise.all([nextEvent(twinSocket, 'banners'), nextEvent(senderSocket, 'banners')]);
    const seenByTwin: PromptUpdate[] = [];
    twinSocket.on('prompt:updated', (u: PromptUpdate) => seenByTwin.push(u));
    const sent = nextEvent<PromptUpdate>(senderSocket, 'prompt:updated', (u) => u.status === 'sent');
    const res = await app.request('POST', '/api/v1/prompts', { token: lead, body: { to: 'agent:r2', text: 'only mine' } });
    expect((await sent).id).toBe(res.body.id);
    // The twin's socket is on the same server and would have had it by now: one more round trip proves it.
    await app.request('GET', '/healthz');
    expect(seenByTwin.filter((u) => u.id === res.body.id)).toEqual([]);
  });
});

describe('who may prompt whom', () => {
  it('a lead prompts only its teams and their agents', async () => {
    expect((await app.request('POST', '/api/v1/prompts', { token: lead, body: { to: 'agent:b1', text: 'x' } })).status).toBe(403);
    expect((await app.request('POST', '/api/v1/prompts', { token: lead, body: { to: 'team:blue', text: 'x' } })).status).toBe(403);
    expect((await app.request('POST', '/api/v1/prompts', { token: otherLead, body: { to: 'agent:b1', text: 'x' } })).status).toBe(201);
  });

  it('agents, displays and ingest may not prompt', async () => {
    for (const token of [agentR1, app.ingestToken])
      expect((await app.request('POST', '/api/v1/prompts', { token, body: { to: 'agent:r2', text: 'x' } })).status).toBe(403);
  });

  it('rejects a bad prompt by field', async () => {
    const res = await app.request('POST', '/api/v1/prompts', { token: app.apiToken, body: { to: 'nobody', text: '', priority: 'urgent' } });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/to: .*text: .*priority: /);
  });
});

describe('the feedback log', () => {
  it('is filtered by team for a lead, and hidden from another lead', async () => {
    const mine = await app.request('GET', '/api/v1/prompts?team=red', { token: lead });
    expect(mine.status).toBe(200);
    expect(mine.body.length).toBeGreaterThan(0);
    expect((await app.request('GET', '/api/v1/prompts?team=red', { token: otherLead })).status).toBe(403);
  });

  it('an agent reads only its own', async () => {
    const own = await app.request('GET', '/api/v1/prompts', { token: agentR2 });
    expect(own.status).toBe(200);
    for (const record of own.body) expect(Object.keys(record.recipients)).toEqual(['r2']);
    expect((await app.request('GET', '/api/v1/prompts?agent=r1', { token: agentR2 })).status).toBe(403);
  });

  it('exports CSV for supervisors, one row per recipient, safe for spreadsheets', async () => {
    await app.request('POST', '/api/v1/prompts', { token: app.apiToken, body: { to: 'agent:b1', text: '=HYPERLINK("x")' } });
    const res = await app.request('GET', '/api/v1/prompts', { token: app.apiToken, accept: 'text/csv' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const rows = res.text.trim().split('\r\n');
    expect(rows[0]).toBe('"id","sentAt","from","to","agent","priority","auto","text","status","deliveredAt","acknowledgedAt","repliedAt","reply"');
    expect(res.text).toContain(`"'=HYPERLINK(""x"")"`);
    expect(res.text).toMatch(/,"r1","high","false","Offer the callback option","replied",/);
  });

  it('quotes every cell and guards formulas after a ; too', async () => {
    const res = await app.request('POST', '/api/v1/prompts', { token: app.apiToken, body: { to: 'agent:b1', text: "x;=cmd|' /C calc'!A0" } });
    expect(res.status).toBe(201);
    const csv = await app.request('GET', '/api/v1/prompts?agent=b1', { token: app.apiToken, accept: 'text/csv' });
    const row = csv.text.split('\r\n').find((line) => line.includes(res.body.id))!;
    expect(row).toContain(`"x;=cmd|' /C calc'!A0"`);
    // Every cell is quoted, empty ones too, so a ; or , delimiter can never start a new cell.
    expect(row).toMatch(/^"[^"]*"(,"([^"]|"")*")+$/);
    const formula = await app.request('POST', '/api/v1/prompts', { token: app.apiToken, body: { to: 'agent:b1', text: '@SUM(A1)' } });
    const formulaCsv = await app.request('GET', '/api/v1/prompts?agent=b1', { token: app.apiToken, accept: 'text/csv' });
    expect(formulaCsv.text.split('\r\n').find((line) => line.includes(formula.body.id))).toContain(`"'@SUM(A1)"`);
  });

  it("shows a lead only its own agents among a team prompt's recipients", async () => {
    // r1 is also in the green team; green's lead reads red's team prompt but sees only r1 in it.
    await app.request('PUT', '/api/v1/teams/green', { token: app.apiToken, body: { name: 'Green', agents: ['r1', 'g1'] } });
    const greenLead = (await app.request('POST', '/api/v1/tokens', { token: app.apiToken, body: { role: 'lead', subject: 'green', name: 'lead-green' } })).body
      .token as string;
    const res = await app.request('POST', '/api/v1/prompts', { token: app.apiToken, body: { to: 'team:red', text: 'red only' } });
    const log = await app.request('GET', '/api/v1/prompts', { token: greenLead });
    const record = log.body.find((r: { id: string }) => r.id === res.body.id);
    expect(Object.keys(record.recipients)).toEqual(['r1']);
    const csv = await app.request('GET', '/api/v1/prompts', { token: greenLead, accept: 'text/csv' });
    expect(csv.text.split('\r\n').filter((line) => line.includes(res.body.id))).toHaveLength(1);
    const redLog = await app.request('GET', '/api/v1/prompts', { token: lead });
    expect(Object.keys(redLog.body.find((r: { id: string }) => r.id === res.body.id).recipients).sort()).toEqual(['r1', 'r2']);
    // An agent's CSV is its JSON: its own row of the team prompt, nobody else's.
    const own = await app.request('GET', '/api/v1/prompts', { token: agentR2, accept: 'text/csv' });
    expect(own.status).toBe(200);
    const rows = own.text.split('\r\n').filter((line) => line.includes(res.body.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(',"r2",');
  });

  it('filters by date', async () => {
    const none = await app.request('GET', '/api/v1/prompts?from=2020-01-01&to=2020-01-02', { token: app.apiToken });
    expect(none.body).toEqual([]);
    const bad = await app.request('GET', '/api/v1/prompts?from=someday', { token: app.apiToken });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^from: /);
  });
});

describe('the log by the centre’s days', () => {
  // 22:27 in New York on 15 January 2026 (EST, UTC−5) is 03:27 on the 16th in UTC.
  const SENT = Date.parse('2026-01-15T22:27:00-05:00');
  let centre: TestApp;
  beforeAll(async () => {
    centre = await startApp(inject('redisUrl'), { tz: 'America/New_York', clock: () => SENT });
  });
  afterAll(() => centre.close());

  it('finds a prompt sent at 22:27 local under that local day, not the next (as metrics, reports and calls do)', async () => {
    const sent = await centre.request('POST', '/api/v1/prompts', { token: centre.apiToken, body: { to: 'agent:late', text: 'late shift' } });
    expect(sent.status).toBe(201);
    const ids = async (query: string) => {
      const res = await centre.request('GET', `/api/v1/prompts?${query}`, { token: centre.apiToken });
      expect(res.status, query).toBe(200);
      return (res.body as { id: string }[]).map((r) => r.id);
    };
    expect(await ids('from=2026-01-15&to=2026-01-15')).toEqual([sent.body.id]);
    expect(await ids('from=2026-01-15')).toEqual([sent.body.id]);
    expect(await ids('to=2026-01-15')).toEqual([sent.body.id]);
    expect(await ids('from=2026-01-16&to=2026-01-16')).toEqual([]);
    expect(await ids('to=2026-01-14')).toEqual([]);
    // Instants keep working, with their own offset (`to` excluded, as in the call log); an empty bound is no bound
    // (as the contract spells the query).
    expect(await ids(`from=${encodeURIComponent('2026-01-15T22:27:00-05:00')}`)).toEqual([sent.body.id]);
    expect(await ids(`to=${encodeURIComponent('2026-01-16T03:27:00Z')}`)).toEqual([]);
    expect(await ids('agent=&team=&from=&to=')).toEqual([sent.body.id]);
  });
});
