// A socket that goes while its subscribe is still reading the figures keeps nothing behind on the server: no room,
// no delta base (a wall on flaky Wi-Fi reconnects with tens of scopes, each time).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { expect, it, vi } from 'vitest';
import type { Directory } from '../server/auth/directory.ts';
import type { BannerBoard } from '../server/domain/banners.ts';
import type { SnapshotCache } from '../server/domain/snapshots.ts';
import type { Metrics } from '../shared/figures.ts';

// The hub's real delta bookkeeping, kept where the test can ask it who is left.
const kept: { deltas?: ReturnType<typeof import('../server/socket/deltas.ts').createDeltaSubscribers> } = {};
vi.mock('../server/socket/deltas.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../server/socket/deltas.ts')>();
  return { ...real, createDeltaSubscribers: () => (kept.deltas = real.createDeltaSubscribers()) };
});
const { createLiveHub } = await import('../server/socket/hub.ts');

it('keeps no room and no delta base for a socket that went while its subscribe was reading', async () => {
  const http = createServer();
  const io = new Server(http);
  await new Promise<void>((done) => http.listen(0, '127.0.0.1', () => done()));
  let reading!: () => void;
  const readStarted = new Promise<void>((resolve) => (reading = resolve));
  let finishRead!: () => void;
  const readDone = new Promise<void>((resolve) => (finishRead = resolve));
  let answered!: () => void;
  const subscribeOver = new Promise<void>((resolve) => (answered = resolve));
  const hub = createLiveHub({
    io,
    directory: {
      principalForToken: async () => ({ role: 'supervisor', name: 'sup', tokenId: 'tok' }),
      principalForSession: async () => null,
      agentsOfTeams: async () => new Set<string>(),
      teamsTouching: async () => new Set<string>(),
    } as unknown as Directory,
    snapshots: {
      read: async () => {
        reading();
        await readDone;
        // The handler goes on after this read: let it run to its end before the test looks.
        setImmediate(answered);
        return { scope: 'all' } as unknown as Metrics;
      },
    } as unknown as SnapshotCache,
    banners: { active: async () => [] } as unknown as BannerBoard,
    log: () => undefined,
  });
  const gone = new Promise<void>((resolve) => io.on('connection', (socket) => socket.on('disconnect', () => resolve())));
  const client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { auth: { token: 't' }, transports: ['websocket'] });
  await new Promise<void>((resolve) => client.on('connect', () => resolve()));
  client.emit('subscribe', { scope: 'all', delta: true }, () => undefined);
  await readStarted;
  client.disconnect();
  await gone;
  finishRead();
  await subscribeOver;
  expect(io.of('/').adapter.rooms.get('scope:all')).toBeUndefined();
  expect(kept.deltas!.ids('all')).toEqual([]);
  hub.close();
  io.close();
});
