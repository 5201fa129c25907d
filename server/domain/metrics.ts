// The figures of one scope and day, in the shape of GET /api/v1/metrics, built from the counters and live sets.
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
  type QueueSummary,
} from '../../shared/figures.ts';
import { parseScope, SCOPE_FORMAT } from '../../shared/scope.ts';
import type { FigureInputs, FigureReader } from '../redis/figureReader.ts';
import type { Calendar } from './calendar.ts';
import type { Clock } from './clock.ts';
import { DomainError } from './errors.ts';

export interface TeamLookup {
  /** A team's agents and the queues it serves, or null when there is no such team. */
  teamOf(team: string): Promise<{ agents: string[]; queues?: string[] } | null>;
}

const COUNTER_SET = new Set<string>(COUNTERS);

export function createMetricsReader(deps: { figures: FigureReader; calendar: Calendar; teams: TeamLookup; clock: Clock }) {
  const { figures, calendar } = deps;

  async function read(scope: string, day: string = calendar.today(deps.clock())): Promise<Metrics> {
    const parsed = parseScope(scope);
    if (!parsed) throw new DomainError('bad_request', SCOPE_FORMAT);
    const { agents, teamQueues } = await whatToRead(parsed.kind, parsed.id);
    const hasQueue = parsed.kind === 'all' || parsed.kind === 'queue';
    // `all` reads its own counters and counts by state (kept as they change): its cost does not grow with the centre.
    // A team or an agent reads its own agents' entries only: its cost follows its size, not the centre's.
    const inputs = await figures.inputs(agents ? agents.map((agent) => `agent:${agent}`) : [scope], day, {
      ...(hasQueue ? { waitingOf: scope } : {}),
      ...(agents ? { agents } : {}),
      centre: parsed.kind === 'all',
    });
    const { totals, intervals } = sumCounters(inputs.counters, calendar);
    const metrics: Metrics = { scope, day, tz: calendar.tz, ...withRatios(totals), intervals, asOf: deps.clock(), stale: false };
    if (inputs.queues) metrics.queues = inputs.queues.sort();
    if (inputs.waiting) {
      metrics.waiting = inputs.waiting.count;
      metrics.longestWaitSince = inputs.waiting.oldestSince === null ? null : iso(inputs.waiting.oldestSince);
    }
    if (inputs.agentCounts) metrics.agents = countsOf(inputs.agentCounts);
    if (inputs.agents) {
      metrics.roster = buildRoster(inputs.agents);
      metrics.agents = countByState(metrics.roster);
    }
    if (teamQueues.length > 0) metrics.teamQueues = await Promise.all(teamQueues.map((queue) => queueSummary(queue, day)));
    return metrics;
  }

  /** The agents a scope shows by name (a team's, or the agent itself; none for `all` and a queue), and the queues a team serves. */
  async function whatToRead(kind: string, id: string): Promise<{ agents: string[] | null; teamQueues: string[] }> {
    if (kind === 'agent') return { agents: [id], teamQueues: [] };
    if (kind !== 'team') return { agents: null, teamQueues: [] };
    const team = await deps.teams.teamOf(id);
    if (!team) throw new DomainError('not_found', `no team "${id}"`);
    return { agents: [...new Set(team.agents)], teamQueues: team.queues ?? [] };
  }

  async function queueSummary(queue: string, day: string): Promise<QueueSummary> {
    const q = await read(`queue:${queue}`, day);
    const { offered, answered, serviceLevel, abandonRate, asaMs } = q;
    return { queue, offered, answered, serviceLevel, abandonRate, asaMs, waiting: q.waiting ?? 0, longestWaitSince: q.longestWaitSince ?? null };
  }

  return { read };
}

export type MetricsReader = ReturnType<typeof createMetricsReader>;

/** A day's totals and its intervals (those with any figure), from the counter hashes of its scopes. */
function sumCounters(hashes: Map<string, string>[], calendar: Calendar): { totals: Counters; intervals: IntervalFigures[] } {
  const totals = emptyCounters();
  const byInterval = new Map<number, Counters>();
  for (const hash of hashes) {
    for (const [field, count] of hash) {
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
  const intervals = [...byInterval]
    .filter(([, c]) => COUNTERS.some((name) => c[name] !== 0))
    .sort(([a], [b]) => a - b)
    .map(([start, c]) => ({ start: calendar.format(start), ...withRatios(c) }));
  return { totals, intervals };
}

/** Each seen agent's live state: on a call, else in after-call work, else its last agent.state. Ids are data: Maps only. */
function buildRoster({ seen, states, onCall: calls, inWrap: wraps }: NonNullable<FigureInputs['agents']>): AgentLive[] {
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

/** The counts by state as the batch script keeps them (a bucket with no agent is not stored). */
function countsOf(stored: Map<string, string>) {
  const counts = emptyAgentCounts();
  for (const bucket of AGENT_BUCKETS) counts[bucket] = Number(stored.get(bucket) ?? 0);
  return counts;
}

function countByState(roster: AgentLive[]) {
  const counts = emptyAgentCounts();
  for (const { state } of roster) if (AGENT_BUCKETS.includes(state)) counts[state]++;
  return counts;
}

const iso = (ms: number) => new Date(ms).toISOString();
