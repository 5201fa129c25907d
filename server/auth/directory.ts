// Composes the people store (machine tokens, users, their sessions, teams) over one Redis; each part is its own module.
import type { RedisClient } from '../redis/connect.ts';
import type { StoreKeys } from '../redis/keys.ts';
import { createSessions } from './sessions.ts';
import { createTeams } from './teams.ts';
import { createTokens, type BootstrapToken } from './tokens.ts';
import { createUsers } from './users.ts';

interface DirectoryDeps {
  redis: RedisClient;
  keys: StoreKeys;
  /** The bootstrap tokens from the environment: never stored, compared by hash. */
  bootstrap: BootstrapToken[];
  sessionTtlSeconds?: number;
}

export function createDirectory(deps: DirectoryDeps) {
  const { redis, keys } = deps;
  const tokens = createTokens({ redis, keys, bootstrap: deps.bootstrap });
  const teams = createTeams({ redis, keys });
  // Sessions check their user's identity and a user's change ends its sessions: the lookup is deferred to break the cycle.
  const sessions = createSessions({ redis, keys, ttlSeconds: deps.sessionTtlSeconds, users: { identityOf: (username) => users.identityOf(username) } });
  const users = createUsers({ redis, keys, sessions });
  return {
    tokens,
    users,
    sessions,
    teams,
    // Flat names still called by socket/principals.ts, socket/hub.ts, app.ts, http/server.ts and the tests; new code takes a part.
    principalForToken: tokens.principalForToken,
    revokeToken: tokens.revoke,
    createUser: users.create,
    principalForSession: sessions.principalForSession,
    teamOf: teams.get,
    agentsOf: teams.agentsOf,
    agentsOfTeams: teams.agentsOfTeams,
    teamsTouching: teams.teamsTouching,
  };
}

export type Directory = ReturnType<typeof createDirectory>;
