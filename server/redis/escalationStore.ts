// Escalations in Redis: one JSON string per escalation, the agents' live ones, the log by time, and the call facts
// the domain reads (the agent's open parts, whether a part is still live, a call's events).
import type { RedisClient } from './connect.ts';
import type { Escalation } from '../../shared/escalations.ts';
import type { StoredEvent } from '../../shared/events.ts';
import { figureKeys, type StoreKeys } from './keys.ts';
import { repliesOf } from './pipeline.ts';

/** What is kept: the escalation and the live part it is about ("<callId>#<segment>#<part>"), which screens need not see. */
export type EscalationRecord = Escalation & { part: string };

/** An escalation with the exact text it was read as (a step writes only if it is unchanged). */
interface StoredEscalation {
  escalation: EscalationRecord;
  raw: string;
}

/** One of an agent's live parts: the member of the live set ("<callId>#<segment>#<part>"), and whether on the call or in wrap. */
interface LivePart {
  part: string;
  state: 'onCall' | 'wrap';
  since: number;
}

export function createEscalationStore(deps: { redis: RedisClient; keys: StoreKeys }) {
  const { redis, keys } = deps;
  const key = keys.escalations;

  /** Stores a new escalation; the id of the agent's live one instead when it has one (nothing written). */
  async function raise(escalation: EscalationRecord, at: number): Promise<string | null> {
    const live = await redis.raiseEscalation(key.open, key.record(escalation.id), key.log, escalation.agent, escalation.id, JSON.stringify(escalation), at);
    return live === '' ? null : live;
  }

  async function load(id: string): Promise<StoredEscalation | null> {
    const raw = await redis.get(key.record(id));
    return raw === null ? null : { escalation: JSON.parse(raw) as EscalationRecord, raw };
  }

  /** Writes the next state if the stored one is still `read`; false when it moved meanwhile. */
  async function step(read: StoredEscalation, next: EscalationRecord, closes: boolean): Promise<boolean> {
    const id = read.escalation.id;
    return (await redis.stepEscalation(key.record(id), key.open, read.raw, JSON.stringify(next), next.agent, id, closes ? '1' : '0')) === 1;
  }

  /** The live escalations' ids, by agent. */
  async function liveIds(): Promise<Map<string, string>> {
    return new Map(Object.entries(await redis.hgetall(key.open)));
  }

  /** Drops an agent's pointer to a live escalation that is gone (trimmed). */
  async function forget(agent: string): Promise<void> {
    await redis.hdel(key.open, agent);
  }

  /** Ids in the log between two instants, newest first. */
  async function logBetween(from: number | undefined, to: number | undefined, limit: number): Promise<string[]> {
    return redis.zrevrangebyscore(key.log, to ?? '+inf', from ?? '-inf', 'LIMIT', 0, limit);
  }

  async function loadMany(ids: string[]): Promise<EscalationRecord[]> {
    if (ids.length === 0) return [];
    const raws = await redis.mget(ids.map(key.record));
    return raws.flatMap((raw) => (raw === null ? [] : [JSON.parse(raw) as EscalationRecord]));
  }

  /** An agent's parts on a call or in after-call work, latest first. */
  async function livePartsOf(agent: string): Promise<LivePart[]> {
    const pipe = redis.pipeline().zrange(keys.figure(figureKeys.onCall), 0, '-1', 'WITHSCORES').zrange(keys.figure(figureKeys.inWrap), 0, '-1', 'WITHSCORES');
    const [onCall, inWrap] = (await repliesOf(pipe)) as [string[], string[]];
    const out: LivePart[] = [];
    const prefix = `${agent}\u0000`;
    for (const [reply, state] of [
      [onCall, 'onCall'],
      [inWrap, 'wrap'],
    ] as const) {
      for (let i = 0; i < reply.length; i += 2) {
        if (reply[i]!.startsWith(prefix)) out.push({ part: reply[i]!.slice(prefix.length), state, since: Number(reply[i + 1]) });
      }
    }
    return out.sort((a, b) => (a.state === b.state ? b.since - a.since : a.state === 'onCall' ? -1 : 1));
  }

  /** Which of these "<agent>\0<part>" members are still on a call or in after-call work. */
  async function stillLive(members: string[]): Promise<Set<string>> {
    if (members.length === 0) return new Set();
    const pipe = redis.pipeline();
    for (const member of members) pipe.zscore(keys.figure(figureKeys.onCall), member).zscore(keys.figure(figureKeys.inWrap), member);
    const scores = await repliesOf(pipe);
    return new Set(members.filter((_, i) => scores[2 * i] !== null || scores[2 * i + 1] !== null));
  }

  async function callEvents(callId: string): Promise<StoredEvent[]> {
    return (await redis.hvals(keys.entity.events(`call:${callId}`))).map((json) => JSON.parse(json) as StoredEvent);
  }

  /** Takes (or keeps) the closing lock for `ms`; false when another instance holds it. Steps are compare-and-set, so
   * the lock only spares the other instances the reads. */
  async function lock(holder: string, ms: number): Promise<boolean> {
    if ((await redis.set(key.lock, holder, 'PX', ms, 'NX')) !== null) return true;
    if ((await redis.get(key.lock)) !== holder) return false;
    await redis.pexpire(key.lock, ms);
    return true;
  }

  /** Drops up to 500 escalations raised before `cutoff`. */
  async function trimBefore(cutoff: number): Promise<void> {
    const old = await redis.zrangebyscore(key.log, '-inf', cutoff, 'LIMIT', 0, 500);
    if (old.length === 0) return;
    const tx = redis.multi().zremrangebyscore(key.log, '-inf', cutoff);
    for (const id of old) tx.del(key.record(id));
    await tx.exec();
  }

  return { raise, load, step, liveIds, forget, logBetween, loadMany, livePartsOf, stillLive, callEvents, lock, trimBefore };
}

export type EscalationStore = ReturnType<typeof createEscalationStore>;
