// Who a socket is: its token or session cookie looked up, whether it still is who it was, and which cap it counts against.
import type { Principal } from '../../shared/roles.ts';
import type { Directory } from '../auth/directory.ts';
import { SESSION_COOKIE } from '../auth/sessionCookie.ts';
import type { SocketCaps } from '../redis/socketCaps.ts';
import type { LiveSocket } from './types.ts';

export function hasToken(socket: LiveSocket): boolean {
  const auth = socket.handshake.auth as { token?: unknown } | undefined;
  return typeof auth?.token === 'string' && auth.token !== '';
}

/** A session (a person) has the session cap; a token, the bootstrap ones from the environment included, the token cap. */
export function capOf(caps: SocketCaps, p: Principal): { kind: 'session' | 'token'; cap: number } {
  return p.sessionId && !p.tokenId ? { kind: 'session', cap: caps.max.session } : { kind: 'token', cap: caps.max.token };
}

/** Whom a socket counts against: its token, or its session (a bootstrap token by name). */
export function capHolder(p: Principal): string {
  if (p.tokenId) return `token:${p.tokenId}`;
  if (p.sessionId) return `session:${p.sessionId}`;
  return `boot:${p.name}`;
}

/** Whether a principal looked up again still grants what the socket was given. */
export function samePrincipal(a: Principal, b: Principal): boolean {
  return (
    a.role === b.role &&
    a.agent === b.agent &&
    a.tokenId === b.tokenId &&
    a.sessionId === b.sessionId &&
    JSON.stringify(a.teams ?? []) === JSON.stringify(b.teams ?? []) &&
    JSON.stringify(a.queues ?? []) === JSON.stringify(b.queues ?? [])
  );
}

export async function authenticateSocket(socket: LiveSocket, directory: Directory): Promise<Principal | null> {
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
