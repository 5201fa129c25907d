// Ids are data (CONTRACT v2): every Object.prototype name works as an agent, team, username and token subject on the prompt paths.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Ack, PromptDelivery, PromptUpdate } from '../shared/socket.ts';
import { nextEvent, startApp, type TestApp } from './support/app.ts';

const NAMES = Object.getOwnPropertyNames(Object.prototype);
const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

let app: TestApp;
beforeAll(async () => {
  app = await startApp(inject('redisUrl'));
});
afterAll(() => app.close());

const makeToken = async (role: string, subject: string) => {
  const res = await app.request('POST', '/api/v1/tokens', { token: app.apiToken, body: { role, subject, name: `${role} ${subject}` } });
  expect(res.status).toBe(201);
  return res.body.token as string;
};
const emit = (socket: ReturnType<TestApp['socket']>, event: 'prompt:ack' | 'prompt:reply', payload: { id: string; text?: string }) =>
  new Promise<Ack>((resolve) => (socket.emit as (e: string, p: unknown, ack: (a: Ack) => void) => void)(event, payload, resolve));

function assertPrototypeUntouched(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
  const probe = {} as Record<string, unknown>;
  for (const field of ['status', 'reply', 'repliedAt', 'acknowledgedAt', 'deliveredAt']) expect(probe[field]).toBeUndefined();
}

describe('prototype names as ids', () => {
  it('an agent whose id is a prototype name sees no other agent’s prompts and cannot pollute the prototype', async () => {
    const other = await app.request('POST', '/api/v1/prompts', { token: app.apiToken, body: { to: 'agent:someone', text: 'not for you' } });
    expect(other.status).toBe(201);
    for (const name of NAMES) {
      const token = await makeToken('agent', name);
      const log = await app.request('GET', '/api/v1/prompts', { token });
      expect(log.status, name).toBe(200);
      expect(log.body, name).toEqual([]);
      const socket = app.socket(token);
      await nextEvent(socket, 'banners');
      expect(await emit(socket, 'prompt:reply', { id: other.body.id, text: 'polluted' }), name).toMatchObject({ ok: false });
      expect(await emit(socket, 'prompt:ack', { id: other.body.id }), name).toMatchObject({ ok: false });
      socket.disconnect();
      assertPrototypeUntouched();
    }
  });

  it('sends, delivers, acknowledges, replies and logs (JSON and CSV) for each name as agent, team and token subject', async () => {
    for (const name of NAMES) {
      expect((await app.request('PUT', `/api/v1/teams/${encodeURIComponent(name)}`, { token: app.apiToken, body: { name, agents: [name] } })).status).toBe(200);
      const lead = await makeToken('lead', name);
      const agentToken = await makeToken('agent', name);
      const agent = app.socket(agentToken);
      const leadSocket = app.socket(lead);
      await Promise.all([nextEvent(agent, 'banners'), nextEvent(leadSocket, 'banners')]);

      const received = nextEvent<PromptDelivery>(agent, 'prompt');
      const sent = await app.request('POST', '/api/v1/prompts', { token: lead, body: { to: `team:${name}`, text: `hello ${name}` } });
      expect(sent.status, name).toBe(201);
      expect((await received).id).toBe(sent.body.id);
      const replied = nextEvent<PromptUpdate>(leadSocket, 'prompt:updated', (u) => u.id === sent.body.id && u.status === 'replied');
      expect(await emit(agent, 'prompt:ack', { id: sent.body.id }), name).toEqual({ ok: true });
      expect(await emit(agent, 'prompt:reply', { id: sent.body.id, text: `ok from ${name}` }), name).toEqual({ ok: true });
      expect(await replied).toMatchObject({ agent: name, reply: `ok from ${name}` });

      const direct = await app.request('POST', '/api/v1/prompts', { token: app.apiToken, body: { to: `agent:${name}`, text: 'direct' } });
      expect(direct.status, name).toBe(201);

      for (const reader of [app.apiToken, lead, agentToken]) {
        const log = await app.request('GET', `/api/v1/prompts?agent=${encodeURIComponent(name)}`, { token: reader });
        expect(log.status, name).toBe(200);
        const ids = (log.body as { id: string }[]).map((r) => r.id);
        expect(ids, name).toEqual(expect.arrayContaining([sent.body.id, direct.body.id]));
        for (const record of log.body as { recipients: Record<string, unknown> }[]) {
          expect(Object.keys(record.recipients), name).toEqual([name]);
        }
        const replyRecord = (log.body as { id: string; recipients: Record<string, { status: string; reply?: string }> }[]).find((r) => r.id === sent.body.id)!;
        expect(Object.hasOwn(replyRecord.recipients, name)).toBe(true);
        expect(replyRecord.recipients[name]).toMatchObject({ status: 'replied', reply: `ok from ${name}` });
      }
      const byTeam = await app.request('GET', `/api/v1/prompts?team=${encodeURIComponent(name)}`, { token: lead });
      expect(byTeam.status, name).toBe(200);
      expect((byTeam.body as { id: string }[]).map((r) => r.id)).toEqual(expect.arrayContaining([sent.body.id, direct.body.id]));

      const csv = await app.request('GET', `/api/v1/prompts?agent=${encodeURIComponent(name)}`, { token: app.apiToken, accept: 'text/csv' });
      expect(csv.status).toBe(200);
      expect(csv.text).toContain(`"${sent.body.id}"`);
      expect(csv.text).toContain(`"ok from ${name}"`);
      agent.disconnect();
      leadSocket.disconnect();
      assertPrototypeUntouched();
    }
    // A prompt to an ordinary agent afterwards carries nothing it did not earn.
    const later = await app.request('POST', '/api/v1/prompts', { token: app.apiToken, body: { to: 'agent:plain', text: 'fresh' } });
    const log = await app.request('GET', '/api/v1/prompts?agent=plain', { token: app.apiToken });
    // (It earned `noScreenAt`: "plain" has no screen open.)
    expect(log.body.find((r: { id: string }) => r.id === later.body.id).recipients).toEqual({ plain: { status: 'sent', noScreenAt: expect.any(String) } });
  });

  it('signs in users named after prototype names, with their own sessions', async () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      await app.request('PUT', `/api/v1/teams/${encodeURIComponent(name)}`, { token: app.apiToken, body: { name, agents: [name] } });
      const created = await app.application.directory.createUser({ username: name, password: 'long enough pw', role: 'lead', teams: [name] });
      expect(created, name).not.toBeNull();
    }
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const signIn = await app.request('POST', '/api/v1/session', { body: { username: name, password: 'long enough pw' } });
      expect(signIn.status, name).toBe(200);
      const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
      const me = await app.request('GET', '/api/v1/session', { cookie });
      expect(me.body).toMatchObject({ name, role: 'lead', teams: [name] });
      const sent = await app.request('POST', '/api/v1/prompts', { cookie, body: { to: `team:${name}`, text: 'from a user' } });
      expect(sent.status, name).toBe(201);
    }
    // A user that does not exist stays unknown, whatever its name.
    expect((await app.request('POST', '/api/v1/session', { body: { username: 'valueOf', password: 'long enough pw' } })).status).toBe(401);
    const users = await app.request('GET', '/api/v1/users', { token: app.apiToken });
    expect(users.status).toBe(403);
    assertPrototypeUntouched();
  });
});

// Ordinary ids (line and paragraph separators, astral characters, prototype names, the longest) and ids no route
// may take: C0, DEL and C1 control characters, too long, empty.
const ORDINARY = ['a\u2028x', 'a\u2029x', 'agent 🎧', 'constructor', '__proto__', 'q:*{}', 'x'.repeat(128)];
const REFUSED = ['a\u0001b', 'a\u007fb', 'a\u0085b', 'x'.repeat(129)];
const shown = (id: string) => JSON.stringify(id.length > 20 ? `${id.slice(0, 8)}…(${id.length})` : id);

describe('one id rule on every route that takes an id', () => {
  it('prompts: `to` is agent:<id> or team:<id> for any ordinary id, and a bad id is a 400 naming `to`', async () => {
    for (const id of ORDINARY) {
      await app.request('PUT', `/api/v1/teams/${encodeURIComponent(id)}`, { token: app.apiToken, body: { name: 'T', agents: [id] } });
      for (const kind of ['agent', 'team']) {
        const res = await app.request('POST', '/api/v1/prompts', { token: app.apiToken, body: { to: `${kind}:${id}`, text: 'hello' } });
        expect(res.status, `${kind}:${shown(id)}`).toBe(201);
      }
    }
    for (const id of [...REFUSED, '']) {
      for (const kind of ['agent', 'team']) {
        const res = await app.request('POST', '/api/v1/prompts', { token: app.apiToken, body: { to: `${kind}:${id}`, text: 'hello' } });
        expect(res.status, `${kind}:${shown(id)}`).toBe(400);
        expect(res.body.message, `${kind}:${shown(id)}`).toMatch(/^to: /);
      }
    }
    const shape = await app.request('POST', '/api/v1/prompts', { token: app.apiToken, body: { to: 'queue:sales', text: 'hello' } });
    expect(shape.body.message).toBe('to: must be agent:<id> or team:<id>');
  });

  it('tokens: an agent’s or a lead’s subject, and each queue of a display’s, is an id', async () => {
    const token = (role: string, subject: string) => app.request('POST', '/api/v1/tokens', { token: app.apiToken, body: { role, subject, name: 'ids' } });
    for (const id of ORDINARY) {
      for (const role of ['agent', 'lead']) expect((await token(role, id)).status, `${role} ${shown(id)}`).toBe(201);
      expect((await token('display', `sales,${id}`)).status, `display ${shown(id)}`).toBe(201);
    }
    for (const id of REFUSED) {
      for (const [role, subject] of [
        ['agent', id],
        ['lead', id],
        ['display', `sales,${id}`],
      ] as const) {
        const res = await token(role, subject);
        expect(res.status, `${role} ${shown(id)}`).toBe(400);
        expect(res.body.message, `${role} ${shown(id)}`).toMatch(/^subject: /);
      }
    }
  });

  it('teams, users, scopes and call filters take the same ids and refuse the same', async () => {
    await app.application.directory.createUser({ username: 'ids-admin', password: 'long enough pw', role: 'admin' });
    const signIn = await app.request('POST', '/api/v1/session', { body: { username: 'ids-admin', password: 'long enough pw' } });
    const admin = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    const user = (username: string, agent: string) =>
      app.request('POST', '/api/v1/users', { cookie: admin, body: { username, password: 'long enough pw', role: 'agent', agent } });
    for (const id of ORDINARY) {
      const path = `/api/v1/teams/${encodeURIComponent(id)}`;
      expect((await app.request('PUT', path, { token: app.apiToken, body: { name: 'T', agents: [id], queues: [id] } })).status, shown(id)).toBe(200);
      // (Prototype names are taken as usernames above: these get a letter in front, but for the longest.)
      expect((await user(id.length < 128 ? `u${id}` : id, id)).status, shown(id)).toBe(201);
      for (const scope of [`queue:${id}`, `team:${id}`, `agent:${id}`]) {
        const q = encodeURIComponent(scope);
        expect((await app.request('GET', `/api/v1/metrics?scope=${q}`, { token: app.apiToken })).status, scope).toBe(200);
        expect((await app.request('GET', `/api/v1/reports?scope=${q}&from=2026-03-10&to=2026-03-10`, { token: app.apiToken })).status, scope).toBe(200);
      }
      expect((await app.request('GET', `/api/v1/calls?agent=${encodeURIComponent(id)}&queue=${encodeURIComponent(id)}`, { token: app.apiToken })).status).toBe(
        200,
      );
    }
    for (const id of REFUSED) {
      const put = await app.request('PUT', `/api/v1/teams/${encodeURIComponent(id)}`, { token: app.apiToken, body: { name: 'T', agents: [] } });
      expect(put.status, shown(id)).toBe(400);
      const members = await app.request('PUT', '/api/v1/teams/fine', { token: app.apiToken, body: { name: 'T', agents: [id] } });
      expect(members.status, shown(id)).toBe(400);
      expect(members.body.message, shown(id)).toMatch(/^agents\.0: /);
      expect((await user(id, 'fine')).body.message, shown(id)).toMatch(/^username: /);
      expect((await user(`fine-${id.length}`, id)).body.message, shown(id)).toMatch(/^agent: /);
      for (const scope of [`queue:${id}`, `team:${id}`, `agent:${id}`]) {
        const res = await app.request('GET', `/api/v1/metrics?scope=${encodeURIComponent(scope)}`, { token: app.apiToken });
        expect(res.status, shown(scope)).toBe(400);
        expect(res.body.message, shown(scope)).toMatch(/^scope: /);
      }
      const calls = await app.request('GET', `/api/v1/calls?agent=${encodeURIComponent(id)}`, { token: app.apiToken });
      expect(calls.status, shown(id)).toBe(400);
      expect(calls.body.message, shown(id)).toMatch(/^agent: /);
    }
  });
});
