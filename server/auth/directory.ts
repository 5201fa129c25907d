// Users, sessions, machine tokens and teams, kept in Redis; resolves a request's credentials to a Principal.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Principal, Role } from '../../shared/roles.ts';
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords.ts';

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
}

export type PublicUser = Omit<UserRecord, 'passwordHash'>;

export interface Team {
  id: string;
  name: string;
  agents: string[];
  queues?: string[];
}

export interface DirectoryDeps {
  redis: Redis;
  prefix: string;
  /** The bootstrap tokens from the environment: never stored, compared by hash. */
  bootstrap: { token: string; role: Role; name: string }[];
  sessionTtlSeconds?: number;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function createDirectory(deps: DirectoryDeps) {
  const { redis, prefix } = deps;
  const key = {
    tokens: `${prefix}auth:tokens`,
    tokenByHash: (hash: string) => `${prefix}auth:token:${hash}`,
    users: `${prefix}auth:users`,
    session: (id: string) => `${prefix}auth:session:${id}`,
    teams: `${prefix}teams`,
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
    await redis
      .multi()
      .hset(key.tokens, record.id, JSON.stringify(record))
      .set(key.tokenByHash(hash), record.id)
      .hset(`${key.tokens}:hash`, record.id, hash)
      .exec();
    return { id: record.id, token };
  }

  async function revokeToken(id: string): Promise<boolean> {
    const hash = await redis.hget(`${key.tokens}:hash`, id);
    const removed = await redis.hdel(key.tokens, id);
    if (hash) await redis.multi().del(key.tokenByHash(hash)).hdel(`${key.tokens}:hash`, id).exec();
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
    };
    if (input.agent !== undefined) record.agent = input.agent;
    if (input.teams !== undefined) record.teams = input.teams;
    const created = await redis.hsetnx(key.users, input.username, JSON.stringify(record));
    return created ? publicUser(record) : null;
  }

  async function updateUser(username: string, change: { password?: string; role?: Role; agent?: string; teams?: string[] }): Promise<PublicUser | null> {
    const raw = await redis.hget(key.users, username);
    if (!raw) return null;
    const record = JSON.parse(raw) as UserRecord;
    if (change.password) record.passwordHash = await hashPassword(change.password);
    if (change.role) record.role = change.role;
    if (change.agent !== undefined) record.agent = change.agent;
    if (change.teams !== undefined) record.teams = change.teams;
    await redis.hset(key.users, username, JSON.stringify(record));
    return publicUser(record);
  }

  async function deleteUser(username: string): Promise<boolean> {
    return (await redis.hdel(key.users, username)) > 0;
  }

  async function listUsers(): Promise<PublicUser[]> {
    return Object.values(await redis.hgetall(key.users)).map((raw) => publicUser(JSON.parse(raw) as UserRecord));
  }

  async function userCount(): Promise<number> {
    return redis.hlen(key.users);
  }

  /** Checks a password; returns the user or null. Always spends one slow hash. */
  async function authenticate(username: string, password: string): Promise<PublicUser | null> {
    const raw = await redis.hget(key.users, username);
    const record = raw ? (JSON.parse(raw) as UserRecord) : undefined;
    const ok = await verifyPassword(password, record?.passwordHash ?? DUMMY_HASH);
    return ok && record ? publicUser(record) : null;
  }

  async function openSession(username: string): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    await redis.set(key.session(id), username, 'EX', sessionTtl);
    return id;
  }

  async function closeSession(id: string): Promise<void> {
    await redis.del(key.session(id));
  }

  async function principalForSession(id: string): Promise<Principal | null> {
    const username = await redis.getex(key.session(id), 'EX', sessionTtl);
    if (!username) return null;
    const raw = await redis.hget(key.users, username);
    if (!raw) return null;
    const user = JSON.parse(raw) as UserRecord;
    const p: Principal = { role: user.role, name: user.username, sessionId: id };
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
  const { passwordHash: _hash, ...rest } = record;
  return rest;
}
