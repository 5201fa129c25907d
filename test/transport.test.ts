// Browsers start Socket.IO on HTTP long-polling before upgrading: those requests must reach Socket.IO alone.
// The heartbeat finds a link lost silently; and a socket that stops reading must not hold the server's memory: past
// a cap on its unsent data it is dropped.
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readConfig } from '../server/config.ts';
import { DEFAULT_MAX_UNSENT_BYTES, unsentBytes } from '../server/socket/backlog.ts';
import { HEARTBEAT } from '../server/socket/server.ts';
import { startApp, type TestApp } from './support/app.ts';
import { ev, metrics, send } from './support/events.ts';
import { breakableLink } from './support/links.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startApp(inject('redisUrl'));
});
afterAll(() => app.close());

describe('Socket.IO over long-polling', () => {
  it('connects, subscribes and stays up, with the HTTP API beside it', async () => {
    const socket = io(app.url, { transports: ['polling'], auth: { token: app.apiToken }, reconnection: false, forceNew: true });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      const ack = await new Promise((resolve) => socket.emit('subscribe', { scope: 'all' }, resolve));
      expect(ack).toEqual({ ok: true });
      expect((await app.request('GET', '/healthz')).status).toBe(200);
    } finally {
      socket.disconnect();
    }
  });
});

describe('the heartbeat', () => {
  it('asks for a pong every 10 s within 10 s: a link lost silently is given up within 20 s', async () => {
    const open = await (await fetch(`${app.url}/socket.io/?EIO=4&transport=polling`)).text();
    expect(open).toMatch(/^0\{/);
    expect(JSON.parse(open.slice(1))).toMatchObject({ pingInterval: 10_000, pingTimeout: 10_000 });
    expect(HEARTBEAT.pingInterval + HEARTBEAT.pingTimeout).toBeLessThanOrEqual(20_000);
  });
});

describe('a socket that stops reading', () => {
  it('has its cap from WALLBOARD_SOCKET_MAX_UNSENT_MB: 4 MiB by default, 0 for none', () => {
    expect(readConfig({}).maxUnsentBytes).toBe(DEFAULT_MAX_UNSENT_BYTES);
    expect(DEFAULT_MAX_UNSENT_BYTES).toBe(4 * 1024 * 1024);
    expect(readConfig({ WALLBOARD_SOCKET_MAX_UNSENT_MB: '16' }).maxUnsentBytes).toBe(16 * 1024 * 1024);
    expect(readConfig({ WALLBOARD_SOCKET_MAX_UNSENT_MB: '0' }).maxUnsentBytes).toBe(0);
    expect(() => readConfig({ WALLBOARD_SOCKET_MAX_UNSENT_MB: '-1' })).toThrow(/^WALLBOARD_SOCKET_MAX_UNSENT_MB: /);
  });

  it('is dropped once its unsent data passes the cap, holding no more than the cap', async () => {
    const max = 256 * 1024;
    const capped = await startApp(inject('redisUrl'), { maxUnsentBytes: max });
    const link = await breakableLink(Number(new URL(capped.url).port));
    const dropped = new Promise<{ reason: string; unsent: number }>((resolve) =>
      capped.application.io.on('connection', (s) => s.conn.on('close', (reason: string) => resolve({ reason, unsent: unsentBytes(s.conn) }))),
    );
    const slow = io(`http://127.0.0.1:${link.port}`, { auth: { token: capped.apiToken }, transports: ['websocket'], reconnection: false, forceNew: true });
    try {
      // A team of 1,000 agents: its whole figures (its roster) weigh about 80 KB.
      const agents = Array.from({ length: 1000 }, (_, i) => `slow-reader-${i}`);
      const states = agents.map((agent) => ev('agent.state', Date.now() - 60_000, { agent, state: 'available' }));
      expect((await send(capped, states)).status).toBe(202);
      expect((await capped.request('PUT', '/api/v1/teams/slow', { token: capped.apiToken, body: { name: 'Slow', agents } })).status).toBe(200);
      const size = JSON.stringify(await metrics(capped, 'team:slow')).length;
      await new Promise((resolve) => slow.emit('subscribe', { scope: 'team:slow' }, resolve));
      link.stall();
      // It asks for the whole figures again and again and reads none: 8 MB, past the kernel's buffers (about 4 MB).
      for (let i = 0; i < 100; i++) slow.emit('subscribe', { scope: 'team:slow' });
      const { reason, unsent } = await dropped;
      expect(reason).toBe('forced close');
      expect(unsent).toBeLessThanOrEqual(max);
      expect(unsent).toBeGreaterThan(max - size - 1024);
      expect((await capped.request('GET', '/healthz')).status).toBe(200);
    } finally {
      slow.disconnect();
      link.close();
      await capped.close();
    }
  });
});
