// Browsers start Socket.IO on HTTP long-polling before upgrading: those requests must reach Socket.IO alone.
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApp, type TestApp } from './support/app.ts';

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
