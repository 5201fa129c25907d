// Subscriptions checked again when rights change under them: a team's agents changed (or the team went), so its leads
// may have lost some `agent:` scopes. Each instance checks its own sockets; the notice crosses instances on the adapter.
import { mayRead, type Principal } from '../../shared/roles.ts';
import { refusal, type Refusal } from '../../shared/socket.ts';
import type { Log } from '../logger.ts';
import { rooms, scopesOf } from './rooms.ts';
import type { LiveServer, LiveSocket } from './types.ts';

interface RightsDeps {
  io: LiveServer;
  /** The agents of a lead's teams, read afresh. */
  agentsOfTeams: (teams: string[]) => Promise<Set<string>>;
  /** Ends one subscription of a socket with the refusal a new subscribe would get. */
  end: (socket: LiveSocket, scope: string, why: Refusal) => void;
  log: Log;
}

/** The answer to a subscribe the reader may not make, word for word wherever it is given. */
export function forbiddenToRead(p: Principal, scope: string): Refusal {
  return refusal('forbidden', `forbidden: the ${p.role} role may not read ${scope}`);
}

export function createRightsCheck(deps: RightsDeps) {
  const { io, log } = deps;
  /** Counts the notices heard here: a subscribe checked before one and joined after it must check again. */
  let epoch = 0;

  io.on('rights:changed', (notice) => {
    const teams: unknown = notice?.teams;
    if (!Array.isArray(teams) || !teams.every((t) => typeof t === 'string')) return log('rights notice ignored: not a list of teams');
    void recheck(teams);
  });

  /** Tells every instance that these teams' agents changed: this one at once, the others through the adapter. */
  function teamsChanged(teams: string[]): void {
    io.serverSideEmit('rights:changed', { teams });
    void recheck(teams);
  }

  /**
   * After a subscribe joined its room: a notice heard since it was checked (`before`) may have looked before the join,
   * so the subscribe checks again. Null when it stands, else its refusal.
   */
  async function confirm(p: Principal, scope: string, before: number): Promise<Refusal | null> {
    if (epoch === before) return null;
    try {
      const agents = p.role === 'lead' ? await deps.agentsOfTeams(p.teams ?? []) : new Set<string>();
      return mayRead(p, scope, () => agents) ? null : forbiddenToRead(p, scope);
    } catch {
      return refusal('store_unavailable', 'unavailable: could not read the figures; retry');
    }
  }

  /** Checks every subscription of this instance's sockets that lead one of these teams; ends the ones refused now. */
  async function recheck(teams: string[]): Promise<void> {
    epoch++;
    const ids = new Set<string>();
    for (const team of teams) for (const id of io.of('/').adapter.rooms.get(rooms.leads(team)) ?? []) ids.add(id);
    // Leads of the same teams share one read (a Map: team ids are data).
    const reads = new Map<string, Promise<Set<string>>>();
    const agentsOf = (list: string[]) => {
      const key = JSON.stringify(list);
      return reads.get(key) ?? reads.set(key, deps.agentsOfTeams(list)).get(key)!;
    };
    for (const id of ids) {
      const socket = io.of('/').sockets.get(id);
      if (!socket) continue;
      const p = socket.data.principal;
      try {
        const agents = p.role === 'lead' ? await agentsOf(p.teams ?? []) : new Set<string>();
        // The rooms are read after the await: a subscription joined meanwhile is checked too.
        for (const scope of scopesOf(socket)) {
          if (!mayRead(p, scope, () => agents)) deps.end(socket, scope, forbiddenToRead(p, scope));
        }
      } catch (err) {
        log('rights re-check failed: subscriptions kept', { teams, error: (err as Error).message });
      }
    }
  }

  return { teamsChanged, confirm, epoch: () => epoch };
}
