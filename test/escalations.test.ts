// Live escalations through every role path: raise, take, hand on, resolve, close on call end; the log with its times.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { Escalation } from '../shared/escalations.ts';
import type { EscalationAck } from '../shared/socket.ts';
import { ev, send } from './support/events.ts';
import { nextEvent, startApp, type TestApp } from './support/app.ts';

let app: TestApp;
const token: Record<string, string> = Object.create(null);
let calls = 0;

beforeAll(async () => {
  app = await startApp(inject('redisUrl'));
  await app.request('PUT', '/api/v1/teams/red', { token: app.apiToken, body: { name: 'Red', agents: ['r1', 'r2', 'r3', 'r4', 'constructor', '__proto__'] } });
  await app.request('PUT', '/api/v1/teams/blue', { token: app.apiToken, body: { name: 'Blue', agents: ['b1'] } });
  const make = async (name: string, role: string, subject?: string) =>
    (token[name] = (await app.request('POST', '/api/v1/tokens', { token: app.apiToken, body: { role, subject, name } })).body.token as string);
  await make('lead-red', 'lead', 'red');
  await make('lead-red-2', 'lead', 'red');
  await make('lead-blue', 'lead', 'blue');
  await make('display', 'display');
  for (const agent of ['r1', 'r2', 'r3', 'r4', 'b1', 'constructor', '__proto__']) await make(agent, 'agent', agent);
});
afterAll(() => app.close());

/** Puts an agent on a fresh call in `queue` (offered a minute ago, answered 30 s ago); returns the call id. */
async function onCall(agent: string, queue = 'sales'): Promise<string> {
  const callId = `c${++calls}#x`; // a "#" in the call id: the part's numbers are read from the end
  const now = Date.now();
  expect((await send(app, [ev('call.offered', now - 60_000, { callId, queue }), ev('call.answered', now - 30_000, { callId, agent })])).status).toBe(202);
  return callId;
}

async function connected(name: string): Promise<Socket> {
  const socket = app.socket(name === 'supervisor' ? app.apiToken : token[name]);
  await nextEvent(socket, 'banners');
  return socket;
}

function ask(socket: Socket, event: string, request: unknown): Promise<EscalationAck> {
  return new Promise((resolve) => socket.emit(event, request, resolve));
}

const pushed = (socket: Socket, test: (e: Escalation) => boolean) => nextEvent<Escalation>(socket, 'escalation', test);

describe('an escalation from raise to resolve', () => {
  it('reaches the lead and supervisors at once, not another team; the agent sees who is coming; times are logged', async () => {
    const callId = await onCall('r1');
    const [agent, lead, other, supervisor] = await Promise.all(['r1', 'lead-red', 'lead-blue', 'supervisor'].map(connected));
    const seenByOther: Escalation[] = [];
    other!.on('escalation', (e: Escalation) => seenByOther.push(e));
    const atLead = pushed(lead!, (e) => e.agent === 'r1');
    const atSupervisor = pushed(supervisor!, (e) => e.agent === 'r1');
    const raised = await ask(agent!, 'escalation:raise', { reason: 'Caller wants\na refund over limit' });
    expect(raised.ok).toBe(true);
    const e = (raised as { escalation: Escalation }).escalation;
    expect(e).toMatchObject({ agent: 'r1', callId, queue: 'sales', status: 'open', teams: ['red'], reason: 'Caller wants a refund over limit' });
    expect(await atLead).toEqual(e);
    expect(await atSupervisor).toEqual(e);
    expect(e).not.toHaveProperty('part');

    // One live escalation per agent.
    expect(await ask(agent!, 'escalation:raise', {})).toMatchObject({ ok: false, code: 'conflict' });

    const coming = pushed(agent!, (x) => x.id === e.id && x.status === 'taken');
    const taken = await ask(lead!, 'escalation:take', { id: e.id });
    expect(taken).toMatchObject({ ok: true, escalation: { status: 'taken', takenBy: { name: 'lead-red' } } });
    expect((await coming).takenBy?.name).toBe('lead-red');
    expect(await ask(supervisor!, 'escalation:take', { id: e.id })).toMatchObject({ ok: false, code: 'conflict', message: 'id: already taken by lead-red' });

    const twin = await connected('lead-red-2');
    expect(await ask(twin, 'escalation:resolve', { id: e.id })).toMatchObject({ ok: false, code: 'forbidden' });
    const resolved = await ask(lead!, 'escalation:resolve', { id: e.id });
    expect(resolved).toMatchObject({ ok: true, escalation: { status: 'resolved', closedBy: 'lead-red' } });
    const done = (resolved as { escalation: Escalation }).escalation;
    expect(done.timeToTakeMs).toBeGreaterThanOrEqual(0);
    expect(done.timeToResolveMs).toBeGreaterThanOrEqual(done.timeToTakeMs!);
    expect(Date.parse(done.closedAt!)).toBeGreaterThanOrEqual(Date.parse(done.takenAt!));

    const log = await app.request('GET', '/api/v1/escalations?team=red', { token: token['lead-red'] });
    expect(log.body.find((x: Escalation) => x.id === e.id)).toEqual(done);
    expect(seenByOther).toEqual([]);
    // Resolved: the agent may ask again.
    expect(await ask(agent!, 'escalation:raise', {})).toMatchObject({ ok: true });
  });

  it('is handed to another lead with a console open, who then takes it', async () => {
    await onCall('r2');
    const [agent, lead, twin] = await Promise.all(['r2', 'lead-red', 'lead-red-2'].map(connected));
    const e = ((await ask(agent!, 'escalation:raise', {})) as { escalation: Escalation }).escalation;
    const leads = await app.request('GET', '/api/v1/escalations/leads?team=red', { token: token['lead-red'] });
    const target = (leads.body.leads as { key: string; name: string }[]).find((l) => l.name === 'lead-red-2')!;
    expect(leads.body.leads.map((l: { name: string }) => l.name)).not.toContain('lead-red');
    expect(await ask(lead!, 'escalation:handoff', { id: e.id, to: 'token:nobody' })).toMatchObject({
      ok: false,
      code: 'bad_request',
      message: expect.stringMatching(/^to: /),
    });
    const atTwin = pushed(twin!, (x) => x.id === e.id && x.handedTo !== undefined);
    expect(await ask(lead!, 'escalation:handoff', { id: e.id, to: target.key })).toMatchObject({
      ok: true,
      escalation: { status: 'open', handedBy: 'lead-red' },
    });
    expect((await atTwin).handedTo).toEqual(target);
    expect(await ask(twin!, 'escalation:take', { id: e.id })).toMatchObject({ ok: true, escalation: { status: 'taken', takenBy: { name: 'lead-red-2' } } });
  });

  it('closes by itself when the call ends, not while the agent wraps up', async () => {
    const callId = await onCall('r3');
    const [agent, lead] = await Promise.all(['r3', 'lead-red'].map(connected));
    const e = ((await ask(agent!, 'escalation:raise', {})) as { escalation: Escalation }).escalation;
    await send(app, [ev('call.ended', Date.now() - 1000, { callId })]);
    expect(await app.application.closeEndedEscalations()).toBe(0);
    const closed = pushed(lead!, (x) => x.id === e.id && x.status === 'callEnded');
    await send(app, [ev('call.wrapped', Date.now(), { callId })]);
    expect(await app.application.closeEndedEscalations()).toBe(1);
    const ended = await closed;
    expect(ended.closedAt).toBeTruthy();
    expect(ended).not.toHaveProperty('timeToResolveMs');
    expect(await ask(lead!, 'escalation:take', { id: e.id })).toMatchObject({ ok: false, code: 'conflict', message: 'id: already closed' });
  });

  it('takes an escalation:raise sent the moment the socket connects', async () => {
    await onCall('r4', 'support');
    const lead = await connected('lead-red');
    const atLead = pushed(lead, (x) => x.agent === 'r4');
    const agent = app.socket(token.r4); // not waiting for anything: the handlers are on before the first await
    const answer = await ask(agent, 'escalation:raise', { reason: 'at once' });
    expect(answer).toMatchObject({ ok: true, escalation: { agent: 'r4', reason: 'at once', queue: 'support' } });
    expect((await atLead).id).toBe((answer as { escalation: Escalation }).escalation.id);
    expect(await ask(lead, 'escalation:take', { id: (await atLead).id })).toMatchObject({ ok: true });
    expect(await ask(lead, 'escalation:resolve', { id: (await atLead).id })).toMatchObject({ ok: true });
  });

  it('comes to a lead who opens the console after it was raised', async () => {
    await onCall('r4');
    const agent = await connected('r4');
    const e = ((await ask(agent, 'escalation:raise', {})) as { escalation: Escalation }).escalation;
    const late = app.socket(token['lead-red']);
    expect(await pushed(late, (x) => x.id === e.id)).toMatchObject({ status: 'open', agent: 'r4' });
  });
});

describe('who may do what', () => {
  it('only an agent on a call escalates, and only for itself', async () => {
    const idle = await connected('b1');
    expect(await ask(idle, 'escalation:raise', {})).toMatchObject({ ok: false, code: 'conflict', message: expect.stringMatching(/^call: /) });
    for (const name of ['lead-red', 'supervisor', 'display'])
      expect(await ask(await connected(name), 'escalation:raise', {})).toMatchObject({ ok: false, code: 'forbidden' });
  });

  it('a lead of another team, an agent and a display may not take, hand on or resolve; nothing changes', async () => {
    await onCall('b1', 'support');
    const agent = await connected('b1');
    const e = ((await ask(agent, 'escalation:raise', {})) as { escalation: Escalation }).escalation;
    for (const name of ['lead-red', 'r1', 'display', 'b1'])
      for (const event of ['escalation:take', 'escalation:resolve', 'escalation:handoff'])
        expect(await ask(await connected(name), event, { id: e.id, to: 'x' })).toMatchObject({ ok: false });
    const log = await app.request('GET', '/api/v1/escalations?agent=b1', { token: token['lead-blue'] });
    expect(log.body[0]).toEqual(e);
  });

  it('refuses bad input naming the field', async () => {
    await onCall('r1', 'sales');
    const lead = await connected('lead-red');
    const agent = await connected('r2');
    expect(await ask(lead, 'escalation:take', {})).toMatchObject({ ok: false, code: 'bad_request', message: 'id: is required' });
    expect(await ask(lead, 'escalation:take', null)).toMatchObject({ ok: false, code: 'bad_request' });
    expect(await ask(lead, 'escalation:take', { id: 'no-such' })).toMatchObject({ ok: false, code: 'not_found' });
    expect(await ask(lead, 'escalation:handoff', { id: 'x' })).toMatchObject({ ok: false, message: expect.stringMatching(/^to: /) });
    expect(await ask(agent, 'escalation:raise', { reason: 'x'.repeat(201) })).toMatchObject({ ok: false, message: 'reason: must be at most 200 characters' });
    expect(await ask(agent, 'escalation:raise', { reason: 42 })).toMatchObject({ ok: false, message: 'reason: must be text' });
  });

  it('reads the log by role: a lead its teams, an agent itself, CSV for leads', async () => {
    expect((await app.request('GET', '/api/v1/escalations?team=red', { token: token['lead-blue'] })).status).toBe(403);
    expect((await app.request('GET', '/api/v1/escalations?agent=r1', { token: token['lead-blue'] })).status).toBe(403);
    expect((await app.request('GET', '/api/v1/escalations?agent=r1', { token: token.r2 })).status).toBe(403);
    expect((await app.request('GET', '/api/v1/escalations', { token: app.ingestToken })).status).toBe(403);
    expect((await app.request('GET', '/api/v1/escalations?from=yesterday', { token: app.apiToken })).body.message).toMatch(/^from: /);
    const own = await app.request('GET', '/api/v1/escalations', { token: token.r1 });
    expect(own.body.length).toBeGreaterThan(0);
    expect(own.body.every((e: Escalation) => e.agent === 'r1')).toBe(true);
    const blue = await app.request('GET', '/api/v1/escalations', { token: token['lead-blue'] });
    expect(blue.body.map((e: Escalation) => e.agent)).toEqual(['b1']);
    const csv = await app.request('GET', '/api/v1/escalations?team=red', { token: token['lead-red'], accept: 'text/csv' });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.text.split('\r\n')[0]).toContain('"timeToTakeMs","timeToResolveMs"');
    expect(csv.text).toContain('"lead-red"');
    const all = await app.request('GET', '/api/v1/escalations', { token: app.apiToken });
    const summary = await app.request('GET', '/api/v1/escalations/summary', { token: app.apiToken });
    const taken = all.body.filter((e: Escalation) => e.timeToTakeMs !== undefined);
    expect(summary.body).toMatchObject({
      count: all.body.length,
      open: all.body.filter((e: Escalation) => e.status === 'open' || e.status === 'taken').length,
    });
    expect(summary.body.meanTimeToTakeMs).toBeCloseTo(taken.reduce((a: number, e: Escalation) => a + e.timeToTakeMs!, 0) / taken.length);

    // As a report: one row per day of the centre (UTC here) when they were raised.
    const byDay = await app.request('GET', '/api/v1/escalations/summary?by=day', { token: app.apiToken });
    const days = new Set(all.body.map((e: Escalation) => `${e.raisedAt.slice(0, 10)}T00:00:00.000Z`));
    expect(byDay.body).toMatchObject({ tz: 'UTC', by: 'day' });
    expect(byDay.body.rows.map((r: { start: string }) => r.start)).toEqual([...days].sort());
    expect(byDay.body.rows.reduce((n: number, r: { count: number }) => n + r.count, 0)).toBe(all.body.length);
    expect((await app.request('GET', '/api/v1/escalations/summary?by=year', { token: app.apiToken })).body.message).toBe('by: must be one of day, week, month');
  });
});

describe('ids are data', () => {
  it('works for agents called constructor and __proto__', async () => {
    for (const id of ['constructor', '__proto__']) {
      await onCall(id, 'toString');
      const [agent, lead] = await Promise.all([id, 'lead-red'].map(connected));
      const atLead = pushed(lead!, (x) => x.agent === id);
      const raised = await ask(agent!, 'escalation:raise', { reason: id });
      expect(raised).toMatchObject({ ok: true, escalation: { agent: id, queue: 'toString', reason: id } });
      const e = await atLead;
      expect(await ask(lead!, 'escalation:take', { id: e.id })).toMatchObject({ ok: true });
      const log = await app.request('GET', `/api/v1/escalations?agent=${encodeURIComponent(id)}`, { token: token['lead-red'] });
      expect(log.body.map((x: Escalation) => x.agent)).toEqual([id]);
    }
  });
});
