// The demo's people: a supervisor, a team lead and an agent, made through the public API by the bootstrap admin.
import { DateTime } from 'luxon';
import { TEAMS, shiftOf } from './centre.ts';

export interface DemoPerson {
  title: string;
  username: string;
  password: string;
  /** The screen they land on after signing in. */
  screen: string;
}

/** An agent of Team North whose shift covers this instant (so the agent's screen moves), else the team's first. */
export function agentOnShift(now: number, tz: string): string {
  const local = DateTime.fromMillis(now, { zone: tz });
  const hour = local.hour + local.minute / 60;
  const team = TEAMS[0]!;
  const index = team.agents.findIndex((_, i) => {
    const shift = shiftOf(team, i);
    return hour >= shift.startHour + 0.25 && hour < shift.startHour + shift.hours - 0.5;
  });
  return team.agents[Math.max(0, index)]!;
}

export async function createDemoPeople(
  url: string,
  admin: { username: string; password: string },
  agent: string,
  password: () => string,
): Promise<DemoPerson[]> {
  const signIn = await fetch(`${url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(admin) });
  if (signIn.status !== 200) throw new Error(`the demo admin could not sign in (${signIn.status})`);
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
  const team = TEAMS[0]!;
  const people: (DemoPerson & { role: string; agent?: string; teams?: string[] })[] = [
    { title: 'Supervisor', username: 'supervisor', password: password(), screen: '/wall', role: 'supervisor' },
    { title: 'Team lead', username: team.lead, password: password(), screen: '/lead', role: 'lead', teams: [team.id] },
    { title: 'Agent', username: agent, password: password(), screen: '/agent', role: 'agent', agent },
  ];
  for (const { title: _title, screen: _screen, ...user } of people) {
    const res = await fetch(`${url}/api/v1/users`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(user) });
    if (res.status !== 201) throw new Error(`creating the demo user ${user.username} answered ${res.status}: ${await res.text()}`);
  }
  return people.map(({ title, username, password: secret, screen }) => ({ title, username, password: secret, screen }));
}
