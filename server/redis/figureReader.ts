// Reads of the figure keys: what the metrics of a scope are built from, and raw reads for the self-audit.
import type { RedisClient } from './connect.ts';
import { scanKeys } from './scan.ts';
import { figureKeys, type StoreKeys } from './keys.ts';
import { repliesOf } from './pipeline.ts';

/** What a scope's figures are read from: its counter hashes for a day, and the live sets it shows. */
export interface FigureInputs {
  /** Per counter scope, its day hash: "<interval start ms>:<figure>" → count. */
  counters: Map<string, string>[];
  /** Queue scopes and `all`: how many wait, and since when the oldest has waited (epoch ms). */
  waiting?: { count: number; oldestSince: number | null };
  /** Scopes that show agents: who was seen, their last `agent.state`, and their open and wrapping parts. */
  agents?: { seen: Map<string, string>; states: Map<string, string>; onCall: Map<string, number>; inWrap: Map<string, number> };
  /** `all`: how many agents are in each state, as the batch script keeps them. */
  agentCounts?: Map<string, string>;
  /** `all`: the queues that have been offered a call. */
  queues?: string[];
}

/** What live parts to read beside the counters. */
interface LiveParts {
  /** The waiting set of this scope (`all` or `queue:…`). */
  waitingOf?: string;
  /** The roster of these agents (a team or an agent: the cost follows the team, not the centre). */
  agents?: string[];
  /** `all`: the counts by state and the queues seen, each one hash whatever the size of the centre. */
  centre?: boolean;
}

export function createFigureReader(deps: { redis: RedisClient; keys: StoreKeys }) {
  const { redis, keys } = deps;
  const k = keys.figure;

  /** One round trip for everything a scope's figures need. */
  async function inputs(counterScopes: string[], day: string, live: LiveParts): Promise<FigureInputs> {
    if (live.agents) {
      if (live.waitingOf !== undefined || live.centre) throw new Error('a scope read by its agents has no waiting set nor counts by state');
      return agentInputs(counterScopes, day, live.agents);
    }
    const pipe = redis.pipeline();
    for (const scope of counterScopes) pipe.hgetall(k(figureKeys.intervals(scope, day)));
    if (live.waitingOf !== undefined) pipe.zcard(k(figureKeys.waiting(live.waitingOf))).zrange(k(figureKeys.waiting(live.waitingOf)), 0, '0', 'WITHSCORES');
    if (live.centre) pipe.hgetall(k(figureKeys.agentCounts)).hgetall(k(figureKeys.queuesSeen));
    const values = await repliesOf(pipe);
    const out: FigureInputs = { counters: values.splice(0, counterScopes.length).map((v) => new Map(Object.entries(v as Record<string, string>))) };
    if (live.waitingOf !== undefined) {
      const [count, oldest] = values.splice(0, 2) as [number, string[]];
      out.waiting = { count: Number(count), oldestSince: oldest.length === 2 ? Number(oldest[1]) : null };
    }
    if (live.centre) {
      const [counts, queues] = values.splice(0, 2) as Record<string, string>[];
      out.agentCounts = new Map(Object.entries(counts!));
      out.queues = Object.entries(queues!)
        .filter(([, count]) => Number(count) > 0)
        .map(([queue]) => queue);
    }
    return out;
  }

  /**
   * A team's or an agent's inputs in one command (lua/readAgents.lua): the counter hashes summed in Redis, and each
   * agent's entry in the live hashes and first member of its own sets. Its cost follows the agents read.
   */
  async function agentInputs(counterScopes: string[], day: string, agents: string[]): Promise<FigureInputs> {
    const scriptKeys = [k(figureKeys.agentsSeen), k(figureKeys.agentStates), ...counterScopes.map((scope) => k(figureKeys.intervals(scope, day)))];
    for (const agent of agents) scriptKeys.push(k(figureKeys.onCallOf(agent)), k(figureKeys.inWrapOf(agent)));
    const [counters, seen, states, onCall, inWrap] = await redis.readAgents(scriptKeys.length, ...scriptKeys, counterScopes.length, ...agents);
    const present = (values: (string | null)[]) => new Map(agents.flatMap((agent, i) => (values[i] ? [[agent, values[i]] as const] : [])));
    const scores = (values: string[]) => new Map(agents.flatMap((agent, i) => (values[i] ? [[agent, Number(values[i])] as const] : [])));
    return {
      counters: [new Map(pairsOf(counters))],
      agents: { seen: present(seen), states: present(states), onCall: scores(onCall), inWrap: scores(inWrap) },
    };
  }

  /** The counter hashes of every scope for each day (reports over a range): day → one hash per scope. One round trip. */
  async function countersOfDays(counterScopes: string[], days: string[]): Promise<Map<string, Map<string, string>[]>> {
    const pipe = redis.pipeline();
    for (const day of days) for (const scope of counterScopes) pipe.hgetall(k(figureKeys.intervals(scope, day)));
    const replies = await repliesOf(pipe);
    const out = new Map<string, Map<string, string>[]>();
    days.forEach((day, d) => {
      const hashes = replies.slice(d * counterScopes.length, (d + 1) * counterScopes.length);
      out.set(
        day,
        hashes.map((value) => new Map(Object.entries(value as Record<string, string>))),
      );
    });
    return out;
  }

  /** Hashes and sorted sets (member → score) by logical key, for the self-audit. */
  async function read(hashes: string[], sets: string[]): Promise<{ hashes: Map<string, string>[]; sets: Map<string, string>[] }> {
    const pipe = redis.pipeline();
    for (const key of hashes) pipe.hgetall(k(key));
    for (const key of sets) pipe.zrange(k(key), 0, '-1', 'WITHSCORES');
    const replies = await repliesOf(pipe);
    return {
      hashes: replies.slice(0, hashes.length).map((value) => new Map(Object.entries(value as Record<string, string>))),
      sets: replies.slice(hashes.length).map((value) => new Map(pairs(value as string[]).map(([member, score]) => [member, String(score)]))),
    };
  }

  /** The logical names of the stored figure keys matching a glob over logical names. */
  async function scan(logicalPattern: string): Promise<string[]> {
    const out: string[] = [];
    for await (const found of scanKeys(redis, keys.figurePattern(logicalPattern))) for (const key of found) out.push(keys.logical(key));
    return out;
  }

  return { inputs, countersOfDays, read, scan };
}

export type FigureReader = ReturnType<typeof createFigureReader>;

/** A flat reply (field, value, field, value, …) as pairs, in order. */
function pairsOf(reply: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < reply.length; i += 2) out.push([reply[i]!, reply[i + 1]!]);
  return out;
}

/** A WITHSCORES reply as [member, score] pairs, in order. */
function pairs(reply: string[]): [string, number][] {
  return pairsOf(reply).map(([member, score]) => [member, Number(score)]);
}
