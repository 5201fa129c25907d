// Socket.IO: handshake auth, role-checked subscriptions, coalesced metrics pushes, banners and revocations.
import type { Principal } from '../../shared/roles.ts';
import { mayRead, principalKey } from '../../shared/roles.ts';
import { refusal, type Refusal } from '../../shared/socket.ts';
import type { Directory } from '../auth/directory.ts';
import { parseScope, SCOPE_FORMAT } from '../../shared/scope.ts';
import { DomainError } from '../domain/errors.ts';
import type { BannerBoard } from '../domain/banners.ts';
import { capUnsent, DEFAULT_MAX_UNSENT_BYTES } from './backlog.ts';
import { createCoalescer } from './coalescer.ts';
import { createDeltaSubscribers } from './deltas.ts';
import { createWelcomes } from './welcomes.ts';
import { LEASE_MS, type SocketCaps } from '../redis/socketCaps.ts';
import { rooms, scopesOf } from './rooms.ts';
import type { SnapshotCache } from '../domain/snapshots.ts';
import { createRightsCheck, forbiddenToRead } from './rights.ts';
import type { LiveServer, LiveSocket } from './types.ts';
import type { Metrics } from '../../shared/figures.ts';
import { authenticateSocket, capHolder, capOf, hasToken, samePrincipal } from './principals.ts';

export type { LiveServer, LiveSocket };

/**
 * At most 4 pushes a second per scope (CONTRACT "Live updates"): a socket's messages of one scope are at least this far
 * apart, its figures on subscribing included. Each instance pushes to its own sockets only (`io.local`), each with its
 * own coalescer, so the spacing holds for what every socket receives, however many instances share the Redis.
 */
const PUSH_WINDOW_MS = 250;
/** A wall shows tens of scopes; a cap keeps one connection from making the server read thousands. */
export const MAX_SCOPES_PER_SOCKET = 500;

interface HubDeps {
  io: LiveServer;
  directory: Directory;
  snapshots: SnapshotCache;
  banners: BannerBoard;
  log: (msg: string, extra?: Record<string, unknown>) => void;
  /** Called once a socket is connected and authenticated (prompt delivery hooks in here); must register its handlers at once. */
  onConnected?: (socket: LiveSocket) => void;
  /** The server's clock, sent to screens so they tick on it. */
  clock?: () => number;
  /** The cap on sockets per token and per session. */
  caps?: SocketCaps;
  /** Whether a handshake's Origin (when sent) names this server; checked for cookie-authenticated sockets only. */
  sameOrigin?: (headers: Record<string, string | string[] | undefined>) => boolean;
  /** A socket holding more unsent bytes than this is dropped (socket/backlog.ts; default 4 MiB, 0: no cap). */
  maxUnsentBytes?: number;
}

export function createLiveHub(deps: HubDeps) {
  const { io, directory, snapshots, banners, log } = deps;
  /** Counts banner broadcasts, so a connecting socket's first list never lands after a newer broadcast. */
  let bannerEpoch = 0;

  io.use(async (socket, next) => {
    // A browser sends its cookie to any site's socket: a cookie is only good from this server's own pages.
    if (!hasToken(socket) && deps.sameOrigin && !deps.sameOrigin(socket.handshake.headers)) {
      return next(new Error('forbidden: the Origin does not match this server'));
    }
    let principal: Principal | null;
    try {
      principal = await authenticateSocket(socket, directory);
    } catch {
      return next(new Error('unavailable: could not check the token; retry'));
    }
    if (!principal) return next(new Error('unauthorized: the token is missing, unknown or revoked'));
    socket.data.principal = principal;
    if (deps.caps && !(await claimPlace(deps.caps, socket, principal))) {
      const { kind, cap } = capOf(deps.caps, principal);
      return next(new Error(`too_many_connections: at most ${cap} sockets per ${kind}`));
    }
    next();
  });

  /** A place under the cap; a store that cannot answer does not lock screens out (the cap is a guard, not auth). */
  async function claimPlace(caps: SocketCaps, socket: LiveSocket, p: Principal): Promise<boolean> {
    try {
      if (!(await caps.claim(capHolder(p), socket.id, capOf(caps, p).cap))) return false;
    } catch (err) {
      log('socket cap unavailable', { error: (err as Error).message });
      return true;
    }
    socket.on('disconnect', () => void caps.release(socket.id).catch(() => undefined));
    return true;
  }

  const deltas = createDeltaSubscribers();
  /** Takes a socket out of a scope: its room, its delta base, its welcome. */
  function leaveScope(socket: LiveSocket, scope: string): void {
    void socket.leave(rooms.scope(scope));
    deltas.remove(scope, socket.id);
    welcomes.remove(scope, socket.id);
  }
  /** Ends a socket's subscription, as a new subscribe would now be refused, and tells it why. */
  function endSubscription(socket: LiveSocket, scope: string, why: Refusal): void {
    leaveScope(socket, scope);
    socket.emit('subscription:ended', { scope, code: why.code, message: why.message, error: why.error });
  }
  const rights = createRightsCheck({ io, agentsOfTeams: (teams) => directory.agentsOfTeams(teams), end: endSubscription, log });
  const welcomes = createWelcomes();
  /** The pushes' clock: monotonic, as the coalescer's. */
  const pace = () => performance.now();
  const pushes = createCoalescer(
    PUSH_WINDOW_MS,
    async (scope) => {
      if (!hasLocalSubscribers(rooms.scope(scope))) return;
      try {
        const readFrom = pace();
        const snapshot = await snapshots.read(scope);
        return () => pushMetrics(scope, snapshot, readFrom);
      } catch (err) {
        // The scope is gone (its team deleted): its subscriptions end with the refusal a new subscribe gets.
        if (err instanceof DomainError) return endHere(scope, refusal(err.code, err.message));
        log('push failed', { scope, error: (err as Error).message });
      }
    },
    pace,
  );

  /** Sends a scope's figures, read from `readFrom`, to its subscribers here, once its window allows. */
  function pushMetrics(scope: string, snapshot: Metrics, readFrom: number): void {
    const room = rooms.scope(scope);
    // Sockets sent their first figures less than a window ago, or after this read began (they have newer ones),
    // wait for the next push, a window from now.
    const held = welcomes.since(scope, Math.min(readFrom, pace() - PUSH_WINDOW_MS));
    // The whole object to the others; to each delta subscriber, the changes since what it was last sent.
    const except = [...deltas.ids(scope), ...held];
    (except.length > 0 ? io.local.to(room).except(except) : io.local.to(room)).emit('metrics', snapshot);
    for (const group of deltas.advance(scope, snapshot, held)) {
      if (group.delta) io.local.to(group.ids).emit('metrics:delta', group.delta);
      else io.local.to(group.ids).emit('metrics', snapshot);
    }
    if (held.length > 0) pushes.touch(scope);
  }

  /** Ends every subscription of this instance's sockets to a scope. */
  function endHere(scope: string, why: Refusal): void {
    for (const id of [...(io.of('/').adapter.rooms.get(rooms.scope(scope)) ?? [])]) {
      const socket = io.of('/').sockets.get(id);
      if (socket) endSubscription(socket, scope, why);
    }
  }

  function hasLocalSubscribers(room: string): boolean {
    return (io.of('/').adapter.rooms.get(room)?.size ?? 0) > 0;
  }

  io.on('connection', async (socket: LiveSocket) => {
    // The handshake (headers) is kept; the whole upgrade request need not be (Socket.IO's memory advice).
    (socket.conn as unknown as { request: unknown }).request = null;
    capUnsent(socket.conn, deps.maxUnsentBytes ?? DEFAULT_MAX_UNSENT_BYTES, (bytes) =>
      log('socket dropped: too much unsent data (a client that does not read)', { id: socket.id, bytes }),
    );
    const p = socket.data.principal;
    if (p.tokenId) void socket.join(rooms.token(p.tokenId));
    if (p.sessionId) void socket.join(rooms.session(p.sessionId));
    if (p.username !== undefined) void socket.join(rooms.user(p.username));
    if (p.agent && p.role === 'agent') void socket.join(rooms.inbox(p.agent));
    void socket.join(rooms.outbox(principalKey(p)));
    if (p.role === 'supervisor' || p.role === 'admin') void socket.join(rooms.supervisors);
    if (p.role === 'lead') for (const team of p.teams ?? []) void socket.join(rooms.leads(team));

    // Subscriptions still on their way count against the cap too: a burst would otherwise pass it before any joins.
    let pending = 0;
    socket.on('subscribe', async (request, ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      const scope = typeof request?.scope === 'string' ? request.scope : '';
      if (!parseScope(scope)) return reply(refusal('bad_request', SCOPE_FORMAT));
      if (scopesOf(socket).length + pending >= MAX_SCOPES_PER_SOCKET)
        return reply(refusal('too_many_requests', `too many subscriptions: at most ${MAX_SCOPES_PER_SOCKET} a connection`));
      pending++;
      try {
        // The token or session is looked up again: one revoked or changed since the handshake ends here.
        const current = await authenticateSocket(socket, directory);
        if (!current || !samePrincipal(current, p)) {
          reply(refusal('unauthorized', 'unauthorized: the token or session has ended or changed; sign in again'));
          socket.disconnect(true);
          return;
        }
        const epoch = rights.epoch();
        const agents = p.role === 'lead' ? await directory.agentsOfTeams(p.teams ?? []) : new Set<string>();
        if (!mayRead(p, scope, () => agents)) return reply(forbiddenToRead(p, scope));
        const snapshot = await snapshots.read(scope);
        // A socket gone during the read keeps nothing here (its disconnect handlers have already run).
        if (!socket.connected) return;
        // Marked before joining, so a push landing in between leaves the socket out; then again as its window starts.
        welcomes.add(scope, socket.id, pace());
        await socket.join(rooms.scope(scope));
        const refused = await rights.confirm(p, scope, epoch);
        if (!socket.connected) return void welcomes.remove(scope, socket.id);
        if (refused) {
          leaveScope(socket, scope);
          return reply(refused);
        }
        if (request.delta === true) deltas.add(scope, socket.id, snapshot);
        else deltas.remove(scope, socket.id);
        reply({ ok: true });
        socket.emit('metrics', snapshot);
        welcomes.add(scope, socket.id, pace());
      } catch (err) {
        if (err instanceof DomainError) return reply(refusal(err.code, err.message));
        log('subscribe failed', { scope, error: (err as Error).message });
        reply(refusal('store_unavailable', 'unavailable: could not read the figures; retry'));
      } finally {
        pending--;
      }
    });

    socket.on('unsubscribe', (request, ack) => {
      if (typeof request?.scope === 'string') leaveScope(socket, request.scope);
      if (typeof ack === 'function') ack({ ok: true });
    });

    socket.on('disconnecting', () => welcomes.forget(socket.id, scopesOf(socket)));
    socket.on('disconnect', () => deltas.forget(socket.id));

    // Every handler is on before the first await: an event sent right after connecting is not lost.
    deps.onConnected?.(socket);
    socket.emit('clock:synced', { now: (deps.clock ?? Date.now)() });
    try {
      // A broadcast that starts while this read is on its way carries a newer list: this older one must not follow it.
      const epoch = bannerEpoch;
      const active = await banners.active();
      if (epoch === bannerEpoch) socket.emit('banners', active);
    } catch (err) {
      log('banners on connect failed', { error: (err as Error).message });
    }
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
    for (const room of io.of('/').adapter.rooms.keys()) if (rooms.scopeOf(room)?.startsWith('team:')) return true;
    return false;
  }

  /** Re-sends every subscribed scope: after the store comes back, and as days roll over. */
  function refreshAll(): void {
    for (const room of io.of('/').adapter.rooms.keys()) {
      const scope = rooms.scopeOf(room);
      if (scope !== undefined) pushes.touch(scope);
    }
  }

  async function broadcastBanners(): Promise<void> {
    bannerEpoch++;
    io.emit('banners', await banners.active());
  }

  function disconnectToken(id: string): void {
    io.in(rooms.token(id)).disconnectSockets(true);
  }

  function disconnectSession(id: string): void {
    io.in(rooms.session(id)).disconnectSockets(true);
  }

  /** Through the adapter, so every instance drops that person's sockets. */
  function disconnectUser(username: string): void {
    io.in(rooms.user(username)).disconnectSockets(true);
  }

  const caps = deps.caps;
  const renewer = caps ? setInterval(() => void caps.renew((id) => io.of('/').sockets.has(id)).catch(() => undefined), LEASE_MS / 3) : undefined;
  renewer?.unref();

  return {
    scopesChanged,
    /** These teams' agents changed or the teams went: every instance checks its leads' subscriptions again. */
    teamsChanged: rights.teamsChanged,
    refreshAll,
    broadcastBanners,
    disconnectToken,
    disconnectSession,
    disconnectUser,
    close: () => {
      pushes.close();
      clearInterval(renewer);
    },
  };
}

export type LiveHub = ReturnType<typeof createLiveHub>;
