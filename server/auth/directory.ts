// Users, sessions, machine tokens and teams, kept in Redis; resolves a request's credentials to a Principal.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { StoreKeys } from '../redis/keys.ts';
import type { Principal, Role } from '../../shared/roles.ts';
import { DUMMY_HASH, hashPassword, needsRehash, verifyPassword } from './passwords.ts';

export interface TokenRecord {
  id: string;
  role: Role;
  subject?: string;
  name: string;
  createdAt: string;
  createdBy?: string;
}

export interface UserRecord {
  username: string;
  role: Role;
  agent?: string;
  teams?: string[];
  passwordHash: string;
  createdAt: string;
  /** Random per identity: a new one on creation and on every role or password change, so older sessions stop working. */
  uid?: string;
}

export type PublicUser = Omit<UserRecord, 'passwordHash' | 'uid'>;
/** A user just signed in: the public part and the identity its session is bound to. */
export type SignedIn = PublicUser & { uid: string };
/** What a session stores: whose it is, and which of that name's identities. */
interface SessionRecord {
  username: string;
  uid: string;
}

/** The outcome of a user change: whether its sessions ended, or only its sockets need a fresh start. */
export interface UserChange {
  user: PublicUser;
  sessionsEnded: string[];
  accessChanged: boolean;
}

// Compare-and-set of one hash field: KEYS[1] the hash; ARGV field, expected value, new value. Returns 1 when set, 0 when it changed meanwhile.
const HASH_CAS = `if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) return 1 end return 0`;

export interface Team {
  id: string;
  name: string;
  agents: string[];
  queues?: string[];
}

export interface DirectoryDeps {
  redis: Redis;
  keys: StoreKeys;
  /** The bootstrap tokens from the environment: never stored, compared by hash. */
  bootstrap: { token: string; role: Role; name: string }[];
  sessionTtlSeconds?: number;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function createDirectory(deps: DirectoryDeps) {
  const { redis } = deps;
  const key = {
    ...deps.keys.auth,
    teams: deps.keys.teams,
  };
  const sessionTtl = deps.sessionTtlSeconds ?? 12 * 3600;
  const bootstrap = new Map(deps.bootstrap.map((b) => [sha256(b.token), b]));

  async function principalForToken(token: string): Promise<Principal | null> {
    const hash = sha256(token);
    const boot = bootstrap.get(hash);
    if (boot) return { role: boot.role, name: boot.name };
    const id = await redis.get(key.tokenByHash(hash));
    if (!id) return null;
    const raw = await redis.hget(key.tokens, id);
    if (!raw) return null;
    const record = JSON.parse(raw) as TokenRecord;
    const p: Principal = { role: record.role, name: record.name, tokenId: record.id };
    if (record.role === 'agent') p.agent = record.subject;
    if (record.role === 'lead') p.teams = record.subject ? [record.subject] : [];
    if (record.role === 'display' && record.subject) p.queues = record.subject.split(',');
    return p;
  }

  async function createToken(input: { role: Role; subject?: string; name: string }, createdBy?: string): Promise<{ id: string; token: string }> {
    const token = `wb_${randomBytes(32).toString('base64url')}`;
    const record: TokenRecord = { id: randomUUID(), role: input.role, name: input.name, createdAt: new Date().toISOString() };
    if (input.subject !== undefined) record.subject = input.subject;
    if (createdBy) record.createdBy = createdBy;
    const hash = sha256(token);
    // tokens:hash maps id → hash so a revoke can drop the lookup key; the token itself is never stored.
    await redis.multi().hset(key.tokens, record.id, JSON.stringify(record)).set(key.tokenByHash(hash), record.id).hset(key.tokenHashes, record.id, hash).exec();
    return { id: record.id, token };
  }

  async function revokeToken(id: string): Promise<boolean> {
    const hash = await redis.hget(key.tokenHashes, id);
    const removed = await redis.hdel(key.tokens, id);
    if (hash) await redis.multi().del(key.tokenByHash(hash)).hdel(key.tokenHashes, id).exec();
    return removed > 0;
  }

  async function listTokens(): Promise<TokenRecord[]> {
    return Object.values(await redis.hgetall(key.tokens)).map((raw) => JSON.parse(raw) as TokenRecord);
  }

  async function createUser(input: { username: string; password: string; role: Role; agent?: string; teams?: string[] }): Promise<PublicUser | null> {
    const record: UserRecord = {
      username: input.username,
      role: input.role,
      passwordHash: await hashPassword(input.password),
      createdAt: new Date().toISOString(),
      uid: randomUUID(),
    };
    if (input.agent !== undefined) record.agent = input.agent;
    if (input.teams !== undefined) record.teams = input.teams;
    const created = await redis.hsetnx(key.users, input.username, JSON.stringify(record));
    return created ? publicUser(record) : null;
  }

  async function casUser(username: string, before: string, after: UserRecord): Promise<boolean> {
    return (await redis.eval(HASH_CAS, 1, key.users, username, before, JSON.stringify(after))) === 1;
  }

  /** Changes a user; a new role or password gives it a new identity and ends its sessions. */
  async function updateUser(username: string, change: { password?: string; role?: Role; agent?: string; teams?: string[] }): Promise<UserChange | null> {
    const passwordHash = change.password ? await hashPassword(change.password) : undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      const raw = await redis.hget(key.users, username);
      if (!raw) return null;
      const record = JSON.parse(raw) as UserRecord;
      const identityChanged = passwordHash !== undefined || (change.role !== undefined && change.role !== record.role);
      const accessChanged =
        identityChanged ||
        (change.agent !== undefined && change.agent !== record.agent) ||
        (change.teams !== undefined && JSON.stringify(change.teams) !== JSON.stringify(record.teams));
      if (passwordHash) record.passwordHash = passwordHash;
      if (change.role) record.role = change.role;
      if (change.agent !== undefined) record.agent = change.agent;
      if (change.teams !== undefined) record.teams = change.teams;
      if (identityChanged) record.uid = randomUUID();
      if (!(await casUser(username, raw, record))) continue;
      return { user: publicUser(record), sessionsEnded: identityChanged ? await endSessionsOf(username) : [], accessChanged };
    }
    throw new Error('the user kept changing; retry');
  }

  /** Deletes a user and ends its sessions; the ids of those sessions, or null when there was no such user. */
  async function deleteUser(username: string): Promise<string[] | null> {
    if ((await redis.hdel(key.users, username)) === 0) return null;
    return endSessionsOf(username);
  }

  /** Ends every session of a username; returns their ids (for disconnecting their sockets). */
  async function endSessionsOf(username: string): Promise<string[]> {
    const ids = await redis.smembers(key.userSessions(username));
    const tx = redis.multi().del(key.userSessions(username));
    for (const id of ids) tx.del(key.session(id));
    await tx.exec();
    return ids;
  }

  async function listUsers(): Promise<PublicUser[]> {
    return Object.values(await redis.hgetall(key.users)).map((raw) => publicUser(JSON.parse(raw) as UserRecord));
  }

  async function userCount(): Promise<number> {
    return redis.hlen(key.users);
  }

  /**
   * Checks a password; returns the user or null. Always spends one slow hash. An older hash (or a user from
   * before identities) is upgraded on the way, only if the record did not change meanwhile.
   */
  async function authenticate(username: string, password: string): Promise<SignedIn | null> {
    const raw = await redis.hget(key.users, username);
    const record = raw ? (JSON.parse(raw) as UserRecord) : undefined;
    const ok = await verifyPassword(password, record?.passwordHash ?? DUMMY_HASH);
    if (!ok || !record || !raw) return null;
    if (record.uid === undefined || needsRehash(record.passwordHash)) {
      const upgraded: UserRecord = { ...record, uid: record.uid ?? randomUUID() };
      if (needsRehash(record.passwordHash)) upgraded.passwordHash = await hashPassword(password);
      if (!(await casUser(username, raw, upgraded))) return null;
      return { ...publicUser(upgraded), uid: upgraded.uid! };
    }
    return { ...publicUser(record), uid: record.uid };
  }

  async function openSession(user: { username: string; uid: string }): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    const session: SessionRecord = { username: user.username, uid: user.uid };
    await redis
      .multi()
      .set(key.session(id), JSON.stringify(session), 'EX', sessionTtl)
      .sadd(key.userSessions(user.username), id)
      .expire(key.userSessions(user.username), sessionTtl)
      .exec();
    return id;
  }

  async function closeSession(id: string): Promise<void> {
    const session = parseSession(await redis.getdel(key.session(id)));
    if (session) await redis.srem(key.userSessions(session.username), id);
  }

  /** The signed-in user of a session, if the session is open and still belongs to the same identity of that name. */
  async function principalForSession(id: string): Promise<Principal | null> {
    const session = parseSession(await redis.getex(key.session(id), 'EX', sessionTtl));
    if (!session) return null;
    const raw = await redis.hget(key.users, session.username);
    const user = raw ? (JSON.parse(raw) as UserRecord) : undefined;
    if (!user || user.uid === undefined || user.uid !== session.uid) {
      await redis.del(key.session(id));
      return null;
    }
    // The per-user list of sessions lives as long as its newest session.
    void redis.expire(key.userSessions(user.username), sessionTtl).catch(() => undefined);
    const p: Principal = { role: user.role, name: user.username, username: user.username, sessionId: id };
    if (user.agent !== undefined) p.agent = user.agent;
    if (user.teams !== undefined) p.teams = user.teams;
    return p;
  }

  async function putTeam(team: Team): Promise<void> {
    await redis.hset(key.teams, team.id, JSON.stringify(team));
  }

  async function putTeamIfAbsent(team: Team): Promise<void> {
    await redis.hsetnx(key.teams, team.id, JSON.stringify(team));
  }

  async function getTeam(id: string): Promise<Team | null> {
    const raw = await redis.hget(key.teams, id);
    return raw ? (JSON.parse(raw) as Team) : null;
  }

  async function listTeams(): Promise<Team[]> {
    return Object.values(await redis.hgetall(key.teams)).map((raw) => JSON.parse(raw) as Team);
  }

  async function deleteTeam(id: string): Promise<boolean> {
    return (await redis.hdel(key.teams, id)) > 0;
  }

  /** The agents of the given teams, for a lead's access checks. */
  async function agentsOfTeams(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const raws = await redis.hmget(key.teams, ...ids);
    return new Set(raws.flatMap((raw) => (raw ? (JSON.parse(raw) as Team).agents : [])));
  }

  /** The teams that have one of these agents or serve one of these queues, for fanning a change out to team scopes. */
  async function teamsTouching(agents: Iterable<string>, queues: Iterable<string> = []): Promise<Set<string>> {
    const wantedAgents = new Set(agents);
    const wantedQueues = new Set(queues);
    const teams = new Set<string>();
    if (wantedAgents.size === 0 && wantedQueues.size === 0) return teams;
    for (const team of await listTeams()) {
      if (team.agents.some((a) => wantedAgents.has(a)) || team.queues?.some((q) => wantedQueues.has(q))) teams.add(team.id);
    }
    return teams;
  }

  return {
    principalForToken,
    createToken,
    revokeToken,
    listTokens,
    createUser,
    updateUser,
    deleteUser,
    listUsers,
    userCount,
    authenticate,
    openSession,
    closeSession,
    principalForSession,
    putTeam,
    putTeamIfAbsent,
    getTeam,
    listTeams,
    deleteTeam,
    agentsOfTeams,
    teamsTouching,
    agentsOf: async (id: string) => (await getTeam(id))?.agents ?? null,
    teamOf: getTeam,
  };
}

export type Directory = ReturnType<typeof createDirectory>;

function publicUser(record: UserRecord): PublicUser {
  const { passwordHash: _hash, uid: _uid, ...rest } = record;
  return rest;
}

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
