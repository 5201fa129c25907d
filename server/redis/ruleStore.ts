// What the automatic-prompt rules keep in Redis: a short lock (one instance evaluates at a time), the
// cool-downs per rule and subject, and the open parts, holds and agents they look at.
import type { RedisClient } from './connect.ts';
import { figureKeys, type StoreKeys } from './keys.ts';

/** An open agent part or hold: the agent, the part ("<callId>#<segment>#<part>") and since when. */
export interface OpenPart {
  agent: string;
  part: string;
  since: number;
}

export function createRuleStore(deps: { redis: RedisClient; keys: StoreKeys }) {
  const { redis, keys } = deps;

  /** Takes the evaluation lock for `ms`; false when another instance holds it. */
  async function lock(holder: string, ms: number): Promise<boolean> {
    return (await redis.set(keys.rules.lock, holder, 'PX', ms, 'NX')) !== null;
  }

  /** Starts a cool-down; false when one is running for that rule and subject (on any instance). */
  async function claimCooldown(rule: string, subject: string, ms: number): Promise<boolean> {
    return (await redis.set(keys.rules.cooldown(rule, subject), '1', 'PX', Math.max(1, Math.round(ms)), 'NX')) !== null;
  }

  async function openParts(which: 'onCall' | 'onHold'): Promise<OpenPart[]> {
    const pairs = await redis.zrange(keys.figure(figureKeys[which]), 0, '-1', 'WITHSCORES');
    const parts: OpenPart[] = [];
    for (let i = 0; i < pairs.length; i += 2) {
      const [agent, part] = pairs[i]!.split('\u0000') as [string, string];
      parts.push({ agent, part, since: Number(pairs[i + 1]) });
    }
    return parts;
  }

  /** Every agent seen today or live (those `all` counts by state), in no order. */
  async function agentsSeen(): Promise<string[]> {
    return redis.hkeys(keys.figure(figureKeys.agentBuckets));
  }

  return { lock, claimCooldown, openParts, agentsSeen };
}

export type RuleStore = ReturnType<typeof createRuleStore>;
