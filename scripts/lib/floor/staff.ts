// The demo centre's agents: shifts, breaks and a lunch rotation, and the states a real ACD sends for them
// (available at log-in and after each wrap-up, break with its reason, offline at log-out).
import type { Agenda } from './agenda.ts';
import { TEAMS, shiftOf } from './centre.ts';
import type { Call } from './types.ts';
import type { Random } from './random.ts';

export interface Agent {
  id: string;
  queues: string[];
  /** This agent's chance of a satisfied caller and of resolving at first contact: coaching rules fire for the weakest. */
  csat: number;
  fcr: number;
  state: 'offline' | 'idle' | 'busy' | 'break';
  idleSince: number;
  pending: Pending[];
  loggedOut: boolean;
  lastTs: number;
}

type Pending = { kind: 'break'; reason: 'break' | 'lunch'; minutes: number } | { kind: 'logout' };

export interface Staff {
  /** The agent free the longest among those whose own queue this is, else among those who also serve it. */
  longestIdle(queueId: string): Agent | undefined;
  reserve(agent: Agent): void;
  /** The agent's call is over (wrapped or transferred): a pending break or log-out, else the next call. */
  release(agent: Agent, at: number): void;
}

interface StaffDeps {
  rng: Random;
  agenda: Agenda;
  emit: (type: string, ts: number, fields: Record<string, unknown>) => void;
  clock: (hours: number) => number;
  pickCall: (agent: Agent, at: number) => Call | undefined;
  answer: (agent: Agent, call: Call, at: number) => void;
}

const MINUTE = 60_000;

export function createStaff(deps: StaffDeps): Staff {
  const { rng, agenda } = deps;
  const coached = new Set(Array.from({ length: 3 }, () => rng.pick(TEAMS).agents[rng.integer(0, 11)]!));
  const agents = TEAMS.flatMap((team) =>
    team.agents.map((id): Agent => {
      const weak = coached.has(id);
      return {
        id,
        queues: team.queues,
        csat: weak ? 0.62 : Math.min(0.98, Math.max(0.78, rng.normal(0.915, 0.03))),
        fcr: weak ? 0.56 : Math.min(0.9, Math.max(0.7, rng.normal(0.79, 0.02))),
        state: 'offline',
        idleSince: 0,
        pending: [],
        loggedOut: false,
        lastTs: 0,
      };
    }),
  );
  const state = (agent: Agent, value: string, at: number, reason: string) => {
    const ts = Math.max(Math.round(at), agent.lastTs + 1);
    agent.lastTs = ts;
    deps.emit('agent.state', ts, { agent: agent.id, state: value, reason });
  };
  const free = (agent: Agent, at: number) => {
    agent.state = 'idle';
    agent.idleSince = at;
    const call = deps.pickCall(agent, at);
    if (call) deps.answer(agent, call, at);
  };
  const takePending = (agent: Agent, at: number) => {
    const item = agent.pending.shift()!;
    if (item.kind === 'logout') {
      agent.state = 'offline';
      agent.loggedOut = true;
      agent.pending = [];
      state(agent, 'offline', at, 'logout');
      return;
    }
    agent.state = 'break';
    state(agent, 'break', at, item.reason);
    agenda.at(at + item.minutes * MINUTE, () => {
      if (agent.pending.length > 0) return takePending(agent, at + item.minutes * MINUTE);
      state(agent, 'available', at + item.minutes * MINUTE, 'back');
      free(agent, at + item.minutes * MINUTE);
    });
  };
  const request = (agent: Agent, item: Pending, at: number) => {
    if (agent.loggedOut) return;
    agent.pending.push(item);
    if (agent.state === 'idle') takePending(agent, at);
  };
  TEAMS.forEach((team) =>
    team.agents.forEach((id, index) => {
      const agent = agents.find((a) => a.id === id)!;
      const shift = shiftOf(team, index);
      const start = deps.clock(shift.startHour) + rng.integer(-4, 4) * MINUTE;
      agenda.at(start, () => {
        state(agent, 'available', start, 'login');
        free(agent, start);
      });
      // Breaks two hours in and two hours before the end, lunch in the middle: staggered so the floor never empties.
      const breaks: [number, Pending][] = [
        [2 + (index % 3) / 6, { kind: 'break', reason: 'break', minutes: 15 }],
        [3.75 + (index % 4) / 4, { kind: 'break', reason: 'lunch', minutes: 30 }],
        [6.25 + (index % 3) / 6, { kind: 'break', reason: 'break', minutes: 15 }],
        [shift.hours, { kind: 'logout' }],
      ];
      for (const [after, item] of breaks) {
        const at = deps.clock(shift.startHour + after);
        agenda.at(at, () => request(agent, item, at));
      }
    }),
  );
  return {
    longestIdle(queueId) {
      let best: Agent | undefined;
      const rank = (agent: Agent) => (agent.queues[0] === queueId ? 0 : 1);
      for (const agent of agents) {
        if (agent.state !== 'idle' || !agent.queues.includes(queueId)) continue;
        if (!best || rank(agent) < rank(best) || (rank(agent) === rank(best) && agent.idleSince < best.idleSince)) best = agent;
      }
      return best;
    },
    reserve(agent) {
      agent.state = 'busy';
    },
    release(agent, at) {
      if (agent.pending.length > 0) return takePending(agent, at);
      state(agent, 'available', at, 'ready');
      free(agent, at);
    },
  };
}
