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
