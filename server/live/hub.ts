// Socket.IO: handshake auth, role-checked subscriptions, coalesced metrics pushes, banners and revocations.
import type { Server, Socket } from 'socket.io';
import type { Principal } from '../../shared/roles.ts';
import { mayRead, principalKey } from '../../shared/roles.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/socket.ts';
import type { Directory } from '../auth/directory.ts';
import { parseScope, UnknownScopeError } from '../redis/metricsReader.ts';
import { SESSION_COOKIE } from '../http/authenticate.ts';
import type { BannerStore } from './banners.ts';
import { createCoalescer } from './coalescer.ts';
import type { SnapshotCache } from './snapshots.ts';

export type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { principal: Principal }>;
export type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { principal: Principal }>;

/** At most 4 pushes a second per scope (CONTRACT "Live updates"). */
export const PUSH_WINDOW_MS = 250;
/** A wall shows tens of scopes; a cap keeps one connection from making the server read thousands. */
export const MAX_SCOPES_PER_SOCKET = 500;

export interface HubDeps {
  io: LiveServer;
  directory: Directory;
  snapshots: SnapshotCache;
  banners: BannerStore;
  log: (msg: string, extra?: Record<string, unknown>) => void;
  /** Called once a socket is connected and authenticated (prompt delivery hooks in here). */
  onConnected?: (socket: LiveSocket) => void;
}

export const rooms = {
  scope: (scope: string) => `scope:${scope}`,
  token: (id: string) => `token:${id}`,
  session: (id: string) => `session:${id}`,
  inbox: (agent: string) => `inbox:${agent}`,
  outbox: (sender: string) => `outbox:${sender}`,
  /** Supervisors and admins, and the leads of each team: where queue alerts go. */
  supervisors: 'supervisors',
  leads: (team: string) => `leads:${team}`,
};

export function createLiveHub(deps: HubDeps) {
  const { io, directory, snapshots, banners, log } = deps;

  io.use(async (socket, next) => {
    try {
      const principal = await authenticateSocket(socket, directory);
      if (!principal) return next(new Error('unauthorized: the token is missing, unknown or revoked'));
      socket.data.principal = principal;
      next();
    } catch {
      next(new Error('unavailable: could not check the token; retry'));
    }
  });

  const pushes = createCoalescer(PUSH_WINDOW_MS, async (scope) => {
    const room = rooms.scope(scope);
    if (!hasLocalSubscribers(room)) return;
    try {
      io.local.to(room).emit('metrics', await snapshots.read(scope));
    } catch (err) {
      log('push failed', { scope, error: (err as Error).message });
    }
  });

  function hasLocalSubscribers(room: string): boolean {
    return (io.of('/').adapter.rooms.get(room)?.size ?? 0) > 0;
  }

  io.on('connection', async (socket: LiveSocket) => {
    // The handshake (headers) is kept; the whole upgrade request need not be (Socket.IO's memory advice).
    (socket.conn as unknown as { request: unknown }).request = null;
    const p = socket.data.principal;
    if (p.tokenId) void socket.join(rooms.token(p.tokenId));
    if (p.sessionId) void socket.join(rooms.session(p.sessionId));
    if (p.agent && p.role === 'agent') void socket.join(rooms.inbox(p.agent));
    void socket.join(rooms.outbox(principalKey(p)));
    if (p.role === 'supervisor' || p.role === 'admin') void socket.join(rooms.supervisors);
    if (p.role === 'lead') for (const team of p.teams ?? []) void socket.join(rooms.leads(team));

    socket.on('subscribe', async (request, ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      const scope = typeof request?.scope === 'string' ? request.scope : '';
      if (!parseScope(scope)) return reply({ ok: false, error: 'scope must be all, queue:<id>, team:<id> or agent:<id>' });
      const subscribed = [...socket.rooms].filter((r) => r.startsWith('scope:')).length;
      if (subscribed >= MAX_SCOPES_PER_SOCKET) return reply({ ok: false, error: `too many subscriptions: at most ${MAX_SCOPES_PER_SOCKET} a connection` });
      try {
        const agents = p.role === 'lead' ? await directory.agentsOfTeams(p.teams ?? []) : new Set<string>();
        if (!mayRead(p, scope, () => agents)) return reply({ ok: false, error: `forbidden: the ${p.role} role may not read ${scope}` });
        const snapshot = await snapshots.read(scope);
        await socket.join(rooms.scope(scope));
        reply({ ok: true });
        socket.emit('metrics', snapshot);
      } catch (err) {
        if (err instanceof UnknownScopeError) return reply({ ok: false, error: err.message });
        log('subscribe failed', { scope, error: (err as Error).message });
        reply({ ok: false, error: 'unavailable: could not read the figures; retry' });
      }
    });

    socket.on('unsubscribe', (request, ack) => {
      if (typeof request?.scope === 'string') void socket.leave(rooms.scope(request.scope));
      if (typeof ack === 'function') ack({ ok: true });
    });

    socket.emit('clock:synced', { now: Date.now() });
    socket.emit('banners', await banners.active());
    deps.onConnected?.(socket);
  });

  /** Scopes whose figures changed (from this instance or another): team scopes follow their agents. */
  async function scopesChanged(scopes: Iterable<string>): Promise<void> {
    const list = [...scopes];
    const agents = list.filter((s) => s.startsWith('agent:')).map((s) => s.slice(6));
    const queues = list.filter((s) => s.startsWith('queue:')).map((s) => s.slice(6));
    const teams = hasAnyTeamSubscriber() ? await directory.teamsTouching(agents, queues) : new Set<string>();
    for (const scope of [...list, ...[...teams].map((t) => `team:${t}`)]) {
      if (hasLocalSubscribers(rooms.scope(scope))) pushes.touch(scope);
    }
  }

  function hasAnyTeamSubscriber(): boolean {
    for (const room of io.of('/').adapter.rooms.keys()) if (room.startsWith('scope:team:')) return true;
    return false;
  }

  /** Re-sends every subscribed scope: after the store comes back, and as days roll over. */
  function refreshAll(): void {
    for (const room of io.of('/').adapter.rooms.keys()) if (room.startsWith('scope:')) pushes.touch(room.slice(6));
  }

  async function broadcastBanners(): Promise<void> {
    io.emit('banners', await banners.active());
  }

  function disconnectToken(id: string): void {
    io.in(rooms.token(id)).disconnectSockets(true);
  }

  function disconnectSession(id: string): void {
    io.in(rooms.session(id)).disconnectSockets(true);
  }

  return { scopesChanged, refreshAll, broadcastBanners, disconnectToken, disconnectSession, close: () => pushes.close() };
}

export type LiveHub = ReturnType<typeof createLiveHub>;

async function authenticateSocket(socket: LiveSocket, directory: Directory): Promise<Principal | null> {
  const auth = socket.handshake.auth as { token?: unknown } | undefined;
  if (typeof auth?.token === 'string' && auth.token !== '') return directory.principalForToken(auth.token);
  const sessionId = readCookie(socket.handshake.headers.cookie, SESSION_COOKIE);
  return sessionId ? directory.principalForSession(sessionId) : null;
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}
