// Sign-in sessions: an opaque id bound to one identity of a user, kept in Redis with a sliding expiry.
import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../redis/connect.ts';
import type { StoreKeys } from '../redis/keys.ts';
import type { Principal } from '../../shared/roles.ts';
import type { SignedIn } from './users.ts';

/** What a session stores: whose it is, and which of that name's identities. */
interface SessionRecord {
  username: string;
  uid: string;
}

interface SessionsDeps {
  redis: RedisClient;
  keys: StoreKeys;
  /** A user's current identity, or null when there is none: a session outlives neither its user nor its identity. */
  users: { identityOf(username: string): Promise<SignedIn | null> };
  /** How long a session lasts unused, seconds (default 12 hours). */
  ttlSeconds?: number;
}

export function createSessions(deps: SessionsDeps) {
  const { redis, users } = deps;
  const key = deps.keys.auth;
  const ttl = deps.ttlSeconds ?? 12 * 3600;

  /** Opens a session for a user just signed in; returns its id (the cookie's value). */
  async function open(user: { username: string; uid: string }): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    const session: SessionRecord = { username: user.username, uid: user.uid };
    await redis
      .multi()
      .set(key.session(id), JSON.stringify(session), 'EX', ttl)
      .sadd(key.userSessions(user.username), id)
      .expire(key.userSessions(user.username), ttl)
      .exec();
    return id;
  }

  async function close(id: string): Promise<void> {
    const session = parseSession(await redis.getdel(key.session(id)));
    if (session) await redis.srem(key.userSessions(session.username), id);
  }

  /** The signed-in user of a session, if the session is open and still belongs to the same identity of that name. */
  async function principalForSession(id: string): Promise<Principal | null> {
    const session = parseSession(await redis.getex(key.session(id), 'EX', ttl));
    if (!session) return null;
    const user = await users.identityOf(session.username);
    if (!user || user.uid !== session.uid) {
      await redis.del(key.session(id));
      return null;
    }
    // The per-user list of sessions lives as long as its newest session.
    void redis.expire(key.userSessions(user.username), ttl).catch(() => undefined);
    const p: Principal = { role: user.role, name: user.username, username: user.username, sessionId: id };
    if (user.agent !== undefined) p.agent = user.agent;
    if (user.teams !== undefined) p.teams = user.teams;
    return p;
  }

  /** Ends every session of a username; returns their ids (for disconnecting their sockets). */
  async function endAllOf(username: string): Promise<string[]> {
    const ids = await redis.smembers(key.userSessions(username));
    const tx = redis.multi().del(key.userSessions(username));
    for (const id of ids) tx.del(key.session(id));
    await tx.exec();
    return ids;
  }

  return { open, close, principalForSession, endAllOf };
}

export type Sessions = ReturnType<typeof createSessions>;

/** A session's record; a session from before identities (a bare username) is not valid any more. */
function parseSession(raw: string | null): SessionRecord | null {
  if (!raw?.startsWith('{')) return null;
  try {
    const session = JSON.parse(raw) as Partial<SessionRecord>;
    return typeof session.username === 'string' && typeof session.uid === 'string' ? { username: session.username, uid: session.uid } : null;
  } catch {
    return null;
  }
}
