// Machine tokens: the bootstrap ones from the environment and those made through the API, known only by their hash.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { RedisClient } from '../redis/connect.ts';
import type { StoreKeys } from '../redis/keys.ts';
import type { Principal, Role } from '../../shared/roles.ts';
import type { Token } from '../../shared/wire.ts';

/** A machine token as stored and listed (the wire type): never its secret. */
type TokenRecord = Token;

/** A token from the environment: never stored, compared by hash. */
export interface BootstrapToken {
  token: string;
  role: Role;
  name: string;
}

interface TokensDeps {
  redis: RedisClient;
  keys: StoreKeys;
  bootstrap: BootstrapToken[];
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function createTokens(deps: TokensDeps) {
  const { redis } = deps;
  const key = deps.keys.auth;
  const bootstrap = new Map(deps.bootstrap.map((b) => [sha256(b.token), b]));

  /** The caller a token stands for, or null when it is unknown or revoked. */
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

  /** Makes a token; the token itself is returned only here. */
  async function create(input: { role: Role; subject?: string; name: string }, createdBy?: string): Promise<{ id: string; token: string }> {
    const token = `wb_${randomBytes(32).toString('base64url')}`;
    const record: TokenRecord = { id: randomUUID(), role: input.role, name: input.name, createdAt: new Date().toISOString() };
    if (input.subject !== undefined) record.subject = input.subject;
    if (createdBy) record.createdBy = createdBy;
    const hash = sha256(token);
    // tokens:hash maps id → hash so a revoke can drop the lookup key; the token itself is never stored.
    await redis.multi().hset(key.tokens, record.id, JSON.stringify(record)).set(key.tokenByHash(hash), record.id).hset(key.tokenHashes, record.id, hash).exec();
    return { id: record.id, token };
  }

  /** Revokes a token; false when there was no such token. */
  async function revoke(id: string): Promise<boolean> {
    const hash = await redis.hget(key.tokenHashes, id);
    const removed = await redis.hdel(key.tokens, id);
    if (hash) await redis.multi().del(key.tokenByHash(hash)).hdel(key.tokenHashes, id).exec();
    return removed > 0;
  }

  async function list(): Promise<TokenRecord[]> {
    return Object.values(await redis.hgetall(key.tokens)).map((raw) => JSON.parse(raw) as TokenRecord);
  }

  return { principalForToken, create, revoke, list };
}

export type Tokens = ReturnType<typeof createTokens>;
