// Teams: who is in each and which queues it serves, kept in one Redis hash by team id.
import type { RedisClient } from '../redis/connect.ts';
import type { StoreKeys } from '../redis/keys.ts';
import type { Team } from '../../shared/wire.ts';

interface TeamsDeps {
  redis: RedisClient;
  keys: StoreKeys;
}

export function createTeams(deps: TeamsDeps) {
  const { redis } = deps;
  const key = deps.keys.teams;

  /** Creates or replaces a team. */
  async function put(team: Team): Promise<void> {
    await redis.hset(key, team.id, JSON.stringify(team));
  }

  /** Creates a team only when there is none with its id (teams from the settings file do not overwrite API changes). */
  async function putIfAbsent(team: Team): Promise<void> {
    await redis.hsetnx(key, team.id, JSON.stringify(team));
  }

  async function get(id: string): Promise<Team | null> {
    const raw = await redis.hget(key, id);
    return raw ? (JSON.parse(raw) as Team) : null;
  }

  async function list(): Promise<Team[]> {
    return Object.values(await redis.hgetall(key)).map((raw) => JSON.parse(raw) as Team);
  }

  /** Deletes a team; false when there was no such team. */
  async function remove(id: string): Promise<boolean> {
    return (await redis.hdel(key, id)) > 0;
  }

  /** The agents of the given teams, for a lead's access checks. */
  async function agentsOfTeams(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const raws = await redis.hmget(key, ...ids);
    return new Set(raws.flatMap((raw) => (raw ? (JSON.parse(raw) as Team).agents : [])));
  }

  /** The teams that have one of these agents or serve one of these queues, for fanning a change out to team scopes. */
  async function teamsTouching(agents: Iterable<string>, queues: Iterable<string> = []): Promise<Set<string>> {
    const wantedAgents = new Set(agents);
    const wantedQueues = new Set(queues);
    const teams = new Set<string>();
    if (wantedAgents.size === 0 && wantedQueues.size === 0) return teams;
    for (const team of await list()) {
      if (team.agents.some((a) => wantedAgents.has(a)) || team.queues?.some((q) => wantedQueues.has(q))) teams.add(team.id);
    }
    return teams;
  }

  /** A team's agents, or null when there is no such team. */
  async function agentsOf(id: string): Promise<string[] | null> {
    return (await get(id))?.agents ?? null;
  }

  return { put, putIfAbsent, get, list, delete: remove, agentsOfTeams, teamsTouching, agentsOf };
}

export type Teams = ReturnType<typeof createTeams>;
