// Reads the figures of one scope and day from the counters, in the shape of GET /api/v1/metrics.
import type { Redis } from 'ioredis';
import {
  AGENT_BUCKETS,
  COUNTERS,
  emptyAgentCounts,
  emptyCounters,
  withRatios,
  type AgentBucket,
  type AgentLive,
  type CounterName,
  type Counters,
  type IntervalFigures,
  type Metrics,
} from '../../shared/figures.ts';
import { idProblem } from '../../shared/events.ts';
import type { Calendar } from '../domain/calendar.ts';
import { figureKeys, type StoreKeys } from './keys.ts';

export interface TeamLookup {
  /** A team's agents and the queues it serves, or null when there is no such team. */
  teamOf(team: string): Promise<{ agents: string[]; queues?: string[] } | null>;
}

export interface MetricsReaderDeps {
  redis: Redis;
  keys: StoreKeys;
  calendar: Calendar;
  teams: TeamLookup;
  now?: () => number;
}

export class UnknownScopeError extends Error {}

const COUNTER_SET = new Set<string>(COUNTERS);

export function parseScope(scope: string): { kind: 'all' | 'queue' | 'team' | 'agent'; id: string } | null {
  if (scope === 'all') return { kind: 'all', id: '' };
  const match = /^(queue|team|agent):([\s\S]*)$/.exec(scope);
  if (!match || idProblem(match[2]!) !== null) return null;
  return { kind: match[1] as 'queue' | 'team' | 'agent', id: match[2]! };
}

export function createMetricsReader(deps: MetricsReaderDeps) {
  const { redis, calendar } = deps;
  const now = deps.now ?? Date.now;
  const k = deps.keys.figure;

  async function read(scope: string, day: string = calendar.today(now())): Promise<Metrics> {
    const parsed = parseScope(scope);
    if (!parsed) throw new UnknownScopeError(`scope must be all, queue:<id>, team:<id> or agent:<id>`);
    let counterScopes = [scope];
    if (parsed.kind === 'all') {
      const seen = Object.entries(await redis.hgetall(k(figureKeys.queuesSeen)));
      counterScopes = seen.filter(([, count]) => Number(count) > 0).map(([queue]) => `queue:${queue}`);
    }
    let teamAgents: string[] | undefined;
    let teamQueues: string[] = [];
    if (parsed.kind === 'team') {
      const team = await deps.teams.teamOf(parsed.id);
      if (!team) throw new UnknownScopeError(`no team "${parsed.id}"`);
      teamAgents = team.agents;
      teamQueues = team.queues ?? [];
      counterScopes = team.agents.map((agent) => `agent:${agent}`);
    }

    const pipe = redis.pipeline();
    for (const s of counterScopes) pipe.hgetall(k(figureKeys.intervals(s, day)));
    const hasQueue = parsed.kind === 'all' || parsed.kind === 'queue';
    if (hasQueue) pipe.zcard(k(figureKeys.waiting(scope))).zrange(k(figureKeys.waiting(scope)), 0, '0', 'WITHSCORES');
    const hasAgents = parsed.kind !== 'queue';
    if (hasAgents) {
      pipe.hgetall(k(figureKeys.agentsSeen)).hgetall(k(figureKeys.agentStates));
      pipe.zrange(k(figureKeys.onCall), 0, '-1', 'WITHSCORES').zrange(k(figureKeys.inWrap), 0, '-1', 'WITHSCORES');
    }
    const replies = (await pipe.exec()) ?? [];
    const values = replies.map(([err, value]) => {
      if (err) throw err;
      return value;
    });

    const totals = emptyCounters();
    const byInterval = new Map<number, Counters>();
    for (let i = 0; i < counterScopes.length; i++) {
      for (const [field, count] of Object.entries(values[i] as Record<string, string>)) {
        const cut = field.indexOf(':');
        const name = field.slice(cut + 1);
        if (!COUNTER_SET.has(name)) continue;
        const start = Number(field.slice(0, cut));
        const bucket = byInterval.get(start) ?? emptyCounters();
        bucket[name as CounterName] += Number(count);
        totals[name as CounterName] += Number(count);
        byInterval.set(start, bucket);
      }
    }
    const intervals: IntervalFigures[] = [...byInterval]
      .filter(([, c]) => COUNTERS.some((name) => c[name] !== 0))
      .sort(([a], [b]) => a - b)
      .map(([start, c]) => ({ start: calendar.format(start), ...withRatios(c) }));

    const metrics: Metrics = { scope, day, tz: calendar.tz, ...withRatios(totals), intervals, asOf: now(), stale: false };
    if (parsed.kind === 'all') metrics.queues = counterScopes.map((s) => s.slice(6)).sort();
    let at = counterScopes.length;
    if (hasQueue) {
      metrics.waiting = Number(values[at]);
      const oldest = values[at + 1] as string[];
      metrics.longestWaitSince = oldest.length === 2 ? new Date(Number(oldest[1])).toISOString() : null;
      at += 2;
    }
    if (hasAgents) {
      const [seen, states, onCall, inWrap] = values.slice(at, at + 4) as [Record<string, string>, Record<string, string>, string[], string[]];
      const roster = buildRoster(new Map(Object.entries(seen)), new Map(Object.entries(states)), onCall, inWrap);
      const wanted = parsed.kind === 'all' ? null : new Set(teamAgents ?? [parsed.id]);
      metrics.roster = roster.filter((a) => !wanted || wanted.has(a.agent));
      metrics.agents = countByState(metrics.roster);
    }
    if (teamQueues.length > 0) {
      metrics.teamQueues = await Promise.all(
        teamQueues.map(async (queue) => {
          const q = await read(`queue:${queue}`, day);
          return {
            queue,
            offered: q.offered,
            answered: q.answered,
            serviceLevel: q.serviceLevel,
            abandonRate: q.abandonRate,
            asaMs: q.asaMs,
            waiting: q.waiting ?? 0,
            longestWaitSince: q.longestWaitSince ?? null,
          };
        }),
      );
    }
    return metrics;
  }

  return { read };
}

export type MetricsReader = ReturnType<typeof createMetricsReader>;

/** Each seen agent's live state: on a call, else in after-call work, else its last agent.state. Ids are data: Maps only. */
function buildRoster(seen: Map<string, string>, states: Map<string, string>, onCall: string[], inWrap: string[]): AgentLive[] {
  const earliest = (pairs: string[]) => {
    const since = new Map<string, number>();
    for (let i = 0; i < pairs.length; i += 2) {
      const agent = pairs[i]!.slice(0, pairs[i]!.indexOf('\u0000'));
      const at = Number(pairs[i + 1]);
      if (!since.has(agent)) since.set(agent, at); // sorted by score, so the first is the earliest
    }
    return since;
  };
  const calls = earliest(onCall);
  const wraps = earliest(inWrap);
  const roster: AgentLive[] = [];
  for (const [agent, count] of seen) {
    if (Number(count) <= 0) continue;
    const onCallSince = calls.get(agent);
    const wrapSince = wraps.get(agent);
    const raw = states.get(agent);
    const last = raw ? (JSON.parse(raw) as { state: AgentBucket; at: number; reason?: string }) : undefined;
    if (onCallSince !== undefined) roster.push({ agent, state: 'onCall', since: iso(onCallSince) });
    else if (wrapSince !== undefined) roster.push({ agent, state: 'wrap', since: iso(wrapSince) });
    else if (last) roster.push({ agent, state: last.state, since: iso(last.at), ...(last.reason ? { reason: last.reason } : {}) });
    else roster.push({ agent, state: 'available', since: null });
  }
  return roster.sort((a, b) => (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0));
}

function countByState(roster: AgentLive[]) {
  const counts = emptyAgentCounts();
  for (const { state } of roster) if (AGENT_BUCKETS.includes(state)) counts[state]++;
  return counts;
}

const iso = (ms: number) => new Date(ms).toISOString();
