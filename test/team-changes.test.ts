// A team changed under open subscriptions, on two instances of one Redis: its subscribers get the new figures at once.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Metrics } from '../shared/figures.ts';
import type { Ack } from '../shared/socket.ts';
import { nextEvent, startApp, type TestApp } from './support/app.ts';
import { ev, send } from './support/events.ts';

type LiveSocket = ReturnType<TestApp['socket']>;

let a: TestApp;
let b: TestApp;
beforeAll(async () => {
  a = await startApp(inject('redisUrl'));
  b = await startApp(inject('redisUrl'), { prefix: a.prefix });
});
afterAll(async () => {
  await b.close();
  await a.close();
});

const subscribe = (socket: LiveSocket, scope: string) => new Promise<Ack>((resolve) => socket.emit('subscribe', { scope }, resolve));
/** Resolves with the answer, or 'no answer' after a bounded wait (the event it waits for may never come). */
const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<'no answer'>((resolve) => setTimeout(() => resolve('no answer'), ms).unref())]);
/** Well inside the minute after which every screen is refreshed anyway, and long enough for a busy test machine. */
const SOON_MS = 3000;

async function putTeam(app: TestApp, id: string, agents: string[]): Promise<void> {
  const res = await app.request('PUT', `/api/v1/teams/${encodeURIComponent(id)}`, { token: app.apiToken, body: { name: id, agents } });
  expect(res.status).toBe(200);
}

describe('a team changed', () => {
  it('sends its subscribers on both instances the new figures at once: an agent added with its calls', async () => {
    await putTeam(a, 'tc-grow', ['tc-grow-1']);
    const now = Date.now();
    await send(a, [
      ev('call.offered', now - 2000, { callId: 'tc-grow-call', queue: 'tc-grow-q' }),
      ev('call.answered', now - 1000, { callId: 'tc-grow-call', agent: 'tc-grow-2' }),
    ]);
    const here = a.socket(a.apiToken);
    const there = b.socket(b.apiToken);
    for (const socket of [here, there]) {
      const first = nextEvent<Metrics>(socket, 'metrics', (m) => m.scope === 'team:tc-grow');
      expect(await subscribe(socket, 'team:tc-grow')).toEqual({ ok: true });
      expect((await first).answered).toBe(0);
    }
    const pushed = [here, there].map((socket) =>
      within(
        nextEvent<Metrics>(socket, 'metrics', (m) => m.scope === 'team:tc-grow' && m.answered === 1),
        SOON_MS,
      ),
    );
    await putTeam(a, 'tc-grow', ['tc-grow-1', 'tc-grow-2']);
    for (const figures of await Promise.all(pushed)) {
      expect(figures).toMatchObject({ scope: 'team:tc-grow', answered: 1, offered: 0 });
      expect((figures as Metrics).roster?.map((r) => r.agent)).toEqual(['tc-grow-2']);
    }
  });
});
