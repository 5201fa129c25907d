// The reference model's live figures (CONTRACT.md, "Figures" and v2 "Live state and people"): who is waiting now and
// each agent's state now. Written from the contract text alone.
import { DateTime } from 'luxon';
import { instantOf, isOpen, type CallStory, type OracleEvent } from './oracle-story.ts';

export const AGENT_STATES = ['available', 'onCall', 'wrap', 'break', 'offline'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

export interface LiveFigures {
  /** For `all` and `queue:` (0 elsewhere). */
  waiting: number;
  /** ISO-8601 with the local offset, or null. For `all` and `queue:`. */
  longestWaitSince: string | null;
  /** For `all`, `team:` and `agent:` (zeros elsewhere). */
  agents: Record<AgentState, number>;
}

interface LiveInput {
  tz: string;
  now: number;
  liveCallTimeoutMs?: number;
  arrivedAt?: number | ReadonlyMap<string, number>;
}

const noAgents = (): Record<AgentState, number> => ({ available: 0, onCall: 0, wrap: 0, break: 0, offline: 0 });

function liveEntry(live: Map<string, LiveFigures>, scope: string): LiveFigures {
  const entry = live.get(scope) ?? { waiting: 0, longestWaitSince: null, agents: noAgents() };
  live.set(scope, entry);
  return entry;
}

/** Each agent seen (in a call's answer or an agent.state) → its state now. */
function agentStates(events: readonly OracleEvent[], stories: Map<string, CallStory>, liveCalls: CallStory[]): Map<string, AgentState> {
  const lastState = new Map<string, { ts: number; state: AgentState }>();
  for (const e of events) {
    if (e.type !== 'agent.state') continue;
    const ts = instantOf(e.ts);
    if ((lastState.get(e.agent!)?.ts ?? -Infinity) < ts) lastState.set(e.agent!, { ts, state: e.state as AgentState });
  }
  const states = new Map<string, AgentState>();
  for (const [agent, { state }] of lastState) states.set(agent, state);
  for (const call of stories.values()) for (const s of call.segments) for (const p of s.parts) if (!states.has(p.agent)) states.set(p.agent, 'available');
  // A call's parts set the state over agent.state: on a call first, else in after-call work.
  const parts = liveCalls.flatMap((c) => c.segments.flatMap((s) => s.parts));
  for (const p of parts) if (p.endedAt !== undefined && p.wrappedAt === undefined) states.set(p.agent, 'wrap');
  for (const p of parts) if (isOpen(p)) states.set(p.agent, 'onCall');
  return states;
}

/** Live figures of `all`, every queue of a call, every team and every agent seen. */
export function liveOf(
  input: LiveInput,
  events: readonly OracleEvent[],
  stories: Map<string, CallStory>,
  teams: ReadonlyMap<string, readonly string[]>,
): Map<string, LiveFigures> {
  const live = new Map<string, LiveFigures>();
  liveEntry(live, 'all');
  const timeout = input.liveCallTimeoutMs;
  const arrived = input.arrivedAt;
  const arrival = (id: string) => (arrived === undefined ? -Infinity : typeof arrived === 'number' ? arrived : (arrived.get(id) ?? -Infinity));
  const lastEvent = (c: CallStory) => Math.max(...c.stamps.map((e) => Math.max(e.ts, arrival(e.id))));
  const liveCalls = [...stories.values()].filter((c) => timeout === undefined || input.now - lastEvent(c) < timeout);
  const since = new Map<string, number>();
  for (const call of stories.values()) for (const s of call.segments) liveEntry(live, `queue:${s.queue}`);
  for (const call of liveCalls) {
    for (const s of call.segments.filter((seg) => seg.outcome === undefined)) {
      for (const scope of [`queue:${s.queue}`, 'all']) {
        liveEntry(live, scope).waiting++;
        since.set(scope, Math.min(since.get(scope) ?? Infinity, s.offeredAt));
      }
    }
  }
  for (const [scope, ms] of since) liveEntry(live, scope).longestWaitSince = DateTime.fromMillis(ms, { zone: input.tz }).toISO();
  const teamsOf = new Map<string, Set<string>>();
  for (const [team, agents] of teams) {
    liveEntry(live, `team:${team}`);
    for (const agent of agents) teamsOf.set(agent, (teamsOf.get(agent) ?? new Set<string>()).add(team));
  }
  for (const [agent, state] of agentStates(events, stories, liveCalls)) {
    for (const scope of ['all', `agent:${agent}`, ...[...(teamsOf.get(agent) ?? [])].map((t) => `team:${t}`)]) liveEntry(live, scope).agents[state]++;
  }
  return live;
}
