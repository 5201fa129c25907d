// Roles and who may read which scope (CONTRACT.md "People, tokens and teams"), pure so both sides share it.

export const ROLES = ['admin', 'supervisor', 'lead', 'agent', 'display', 'ingest'] as const;
export type Role = (typeof ROLES)[number];

/** Who is asking: a person signed in, or a machine's token. */
export interface Principal {
  role: Role;
  /** Display name for logs and prompts: a username or a token's name. */
  name: string;
  /** For an agent: its agent id. */
  agent?: string;
  /** For a lead: the teams it leads. */
  teams?: string[];
  /** For a display token: the queues its board shows (none: every queue). */
  queues?: string[];
  tokenId?: string;
  sessionId?: string;
  /** For a signed-in person: the username (its sockets share a room, so changing the user reaches them all). */
  username?: string;
}

/** Whether a principal may read a scope; `agentsOfTeams` gives the agents of the lead's teams. */
export function mayRead(p: Principal, scope: string, agentsOfTeams: (teams: string[]) => Set<string>): boolean {
  switch (p.role) {
    case 'admin':
    case 'supervisor':
      return true;
    case 'display':
      if (scope === 'all') return true;
      if (!scope.startsWith('queue:')) return false;
      return !p.queues || p.queues.length === 0 || p.queues.includes(scope.slice(6));
    case 'lead': {
      const teams = p.teams ?? [];
      if (scope.startsWith('team:')) return teams.includes(scope.slice(5));
      if (scope.startsWith('agent:')) return agentsOfTeams(teams).has(scope.slice(6));
      return false;
    }
    case 'agent':
      return p.agent !== undefined && scope === `agent:${p.agent}`;
    case 'ingest':
      return false;
  }
}

/** Who a principal is, uniquely (names need not be): a token, a person, or a bootstrap token. */
export function principalKey(p: Principal): string {
  if (p.tokenId) return `token:${p.tokenId}`;
  if (p.sessionId) return `user:${p.name}`;
  return `boot:${p.name}`;
}
