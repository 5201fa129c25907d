// Coaching prompts in Redis: one hash per prompt (meta and a field per recipient), each agent's inbox and the log.
import type { RedisClient } from './connect.ts';
import type { PromptRecord, Recipient } from '../../shared/socket.ts';
import type { StoreKeys } from './keys.ts';

/** Recipients by agent id: ids are data, so no prototype (an agent may be called `__proto__` or `constructor`). */
export function recipientMap(): Record<string, Recipient> {
  return Object.create(null) as Record<string, Recipient>;
}

export function createPromptStore(deps: { redis: RedisClient; keys: StoreKeys }) {
  const { redis } = deps;
  const key = deps.keys.prompts;

  /** Stores a new prompt with its recipients, in its agents' inboxes and in the log, at once. */
  async function create(record: PromptRecord, at: number): Promise<void> {
    const { recipients, ...meta } = record;
    const tx = redis.multi().hset(key.prompt(record.id), 'meta', JSON.stringify(meta));
    for (const [agent, recipient] of Object.entries(recipients)) {
      tx.hset(key.prompt(record.id), `r:${agent}`, JSON.stringify(recipient)).zadd(key.inbox(agent), at, record.id);
    }
    await tx.zadd(key.log, at, record.id).exec();
  }

  async function load(id: string): Promise<PromptRecord | null> {
    const hash = await redis.hgetall(key.prompt(id));
    if (!Object.hasOwn(hash, 'meta')) return null;
    const record = JSON.parse(hash.meta!) as PromptRecord;
    record.recipients = recipientMap();
    for (const [field, value] of Object.entries(hash)) if (field.startsWith('r:')) record.recipients[field.slice(2)] = JSON.parse(value) as Recipient;
    return record;
  }

  async function saveRecipient(id: string, agent: string, recipient: Recipient): Promise<void> {
    await redis.hset(key.prompt(id), `r:${agent}`, JSON.stringify(recipient));
  }

  /** Ids of the newest `limit` prompts sent to an agent since `since` (epoch ms), oldest first. */
  async function inboxSince(agent: string, since: number, limit: number): Promise<string[]> {
    return (await redis.zrevrangebyscore(key.inbox(agent), '+inf', since, 'LIMIT', 0, limit)).reverse();
  }

  /** Prompt ids sent from `from` (included) to `to` (excluded, as the call log's bounds), newest first. */
  async function logBetween(from: number | undefined, to: number | undefined, limit: number): Promise<string[]> {
    return redis.zrevrangebyscore(key.log, to === undefined ? '+inf' : `(${to}`, from ?? '-inf', 'LIMIT', 0, limit);
  }

  /** Drops up to 500 prompts sent before `cutoff`. */
  async function trimBefore(cutoff: number): Promise<void> {
    const old = await redis.zrangebyscore(key.log, '-inf', cutoff, 'LIMIT', 0, 500);
    if (old.length === 0) return;
    const tx = redis.multi().zremrangebyscore(key.log, '-inf', cutoff);
    for (const id of old) tx.del(key.prompt(id));
    await tx.exec();
  }

  return { create, load, saveRecipient, inboxSince, logBetween, trimBefore };
}

export type PromptStore = ReturnType<typeof createPromptStore>;
