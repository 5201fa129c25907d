// People who sign in: their role, agent and teams, and a slow hash of their password, kept in one Redis hash by username.
import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../redis/connect.ts';
import type { StoreKeys } from '../redis/keys.ts';
import type { Role } from '../../shared/roles.ts';
import { dummyHash, hashPassword, needsRehash, verifyPassword } from './passwords.ts';

interface UserRecord {
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

/** The outcome of a user change: whether its sessions ended, or only its sockets need a fresh start. */
interface UserChange {
  user: PublicUser;
  sessionsEnded: string[];
  accessChanged: boolean;
}

interface NewUser {
  username: string;
  password: string;
  role: Role;
  agent?: string;
  teams?: string[];
}

interface UserPatch {
  password?: string;
  role?: Role;
  agent?: string;
  teams?: string[];
}

interface UsersDeps {
  redis: RedisClient;
  keys: StoreKeys;
  /** Ends every session of a username and returns their ids: a user deleted, or given a new identity, is signed out. */
  sessions: { endAllOf(username: string): Promise<string[]> };
}

// Compare-and-set of one hash field: KEYS[1] the hash; ARGV field, expected value, new value. Returns 1 when set, 0 when it changed meanwhile.
const HASH_CAS = `if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) return 1 end return 0`;

export function createUsers(deps: UsersDeps) {
  const { redis, sessions } = deps;
  const key = deps.keys.auth;

  /** Creates a user with a new identity; null when the username is taken. */
  async function create(input: NewUser): Promise<PublicUser | null> {
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

  async function compareAndSet(username: string, before: string, after: UserRecord): Promise<boolean> {
    return (await redis.eval(HASH_CAS, 1, key.users, username, before, JSON.stringify(after))) === 1;
  }

  /** Changes a user; a new role or password gives it a new identity and ends its sessions. Null when there is no such user. */
  async function update(username: string, change: UserPatch): Promise<UserChange | null> {
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
      if (!(await compareAndSet(username, raw, record))) continue;
      return { user: publicUser(record), sessionsEnded: identityChanged ? await sessions.endAllOf(username) : [], accessChanged };
    }
    throw new Error('the user kept changing; retry');
  }

  /** Deletes a user and ends its sessions; the ids of those sessions, or null when there was no such user. */
  async function remove(username: string): Promise<string[] | null> {
    if ((await redis.hdel(key.users, username)) === 0) return null;
    return sessions.endAllOf(username);
  }

  async function list(): Promise<PublicUser[]> {
    return Object.values(await redis.hgetall(key.users)).map((raw) => publicUser(JSON.parse(raw) as UserRecord));
  }

  async function count(): Promise<number> {
    return redis.hlen(key.users);
  }

  /**
   * Checks a password; returns the user or null. Always spends one slow hash. An older hash (or a user from
   * before identities) is upgraded on the way, only if the record did not change meanwhile.
   */
  async function authenticate(username: string, password: string): Promise<SignedIn | null> {
    const raw = await redis.hget(key.users, username);
    const record = raw ? (JSON.parse(raw) as UserRecord) : undefined;
    const ok = await verifyPassword(password, record?.passwordHash ?? (await dummyHash()));
    if (!ok || !record || !raw) return null;
    if (record.uid === undefined || needsRehash(record.passwordHash)) {
      const upgraded: UserRecord = { ...record, uid: record.uid ?? randomUUID() };
      if (needsRehash(record.passwordHash)) upgraded.passwordHash = await hashPassword(password);
      if (!(await compareAndSet(username, raw, upgraded))) return null;
      return { ...publicUser(upgraded), uid: upgraded.uid! };
    }
    return { ...publicUser(record), uid: record.uid };
  }

  /** A user's current identity, for checking a session; null when there is no such user or it is from before identities. */
  async function identityOf(username: string): Promise<SignedIn | null> {
    const raw = await redis.hget(key.users, username);
    const record = raw ? (JSON.parse(raw) as UserRecord) : undefined;
    if (!record || record.uid === undefined) return null;
    return { ...publicUser(record), uid: record.uid };
  }

  return { create, update, delete: remove, list, count, authenticate, identityOf };
}

export type Users = ReturnType<typeof createUsers>;

function publicUser(record: UserRecord): PublicUser {
  const { passwordHash: _hash, uid: _uid, ...rest } = record;
  return rest;
}
