// The demo centre: four queues with their own targets, three teams with leads, forty named agents, their shifts
// and the day's arrival curve. The settings file `npm run demo` writes comes from here, so the server and the
// simulated floor agree on every id.

export interface DemoQueue {
  id: string;
  name: string;
  /** Share of the centre's calls. */
  share: number;
  serviceLevelSeconds: number;
  serviceLevelTarget: number;
  /** Median talk time, seconds (lognormal, so the mean is about 15% higher). */
  talkMedianSeconds: number;
  /** Chance that the agent transfers the call to another queue. */
  transferChance: number;
}

interface DemoTeam {
  id: string;
  name: string;
  queues: string[];
  lead: string;
  agents: string[];
}

/** One shift wave: who starts when, for how long (breaks and lunch are placed inside it). */
interface Shift {
  startHour: number;
  hours: number;
}

export const QUEUES: readonly DemoQueue[] = [
  { id: 'sales', name: 'Sales', share: 0.3, serviceLevelSeconds: 20, serviceLevelTarget: 0.8, talkMedianSeconds: 200, transferChance: 0.05 },
  { id: 'support', name: 'Technical support', share: 0.37, serviceLevelSeconds: 30, serviceLevelTarget: 0.8, talkMedianSeconds: 250, transferChance: 0.04 },
  { id: 'billing', name: 'Billing', share: 0.23, serviceLevelSeconds: 40, serviceLevelTarget: 0.8, talkMedianSeconds: 180, transferChance: 0.06 },
  { id: 'priority', name: 'Priority line', share: 0.1, serviceLevelSeconds: 15, serviceLevelTarget: 0.9, talkMedianSeconds: 220, transferChance: 0.02 },
];

const NAMES = [
  ['amara', 'ben', 'chloe', 'dev', 'elena', 'farid', 'grace', 'hugo', 'isla', 'jonas', 'keiko', 'liam', 'maya', 'nadia'],
  ['oscar', 'priya', 'quentin', 'rosa', 'sami', 'tara', 'umar', 'vera', 'wes', 'ximena', 'yusuf', 'zoe', 'aiden'],
  ['bea', 'carlos', 'dina', 'emil', 'fatima', 'gus', 'hana', 'ivan', 'jade', 'kofi', 'lena', 'marco', 'noor'],
];

export const TEAMS: readonly DemoTeam[] = [
  { id: 'north', name: 'Team North', queues: ['sales', 'priority'], lead: 'lead.north', agents: NAMES[0]! },
  { id: 'south', name: 'Team South', queues: ['support', 'priority'], lead: 'lead.south', agents: NAMES[1]! },
  { id: 'west', name: 'Team West', queues: ['billing', 'support'], lead: 'lead.west', agents: NAMES[2]! },
];

/** The centre opens at 07:00 and closes at 20:00 (centre time); shift waves follow the curve. */
export const OPEN_HOUR = 7;
export const CLOSE_HOUR = 20;
const SHIFTS: readonly Shift[] = [
  { startHour: 7, hours: 8.5 },
  { startHour: 8, hours: 8.5 },
  { startHour: 10, hours: 8.5 },
  { startHour: 11.5, hours: 8.5 },
];
/** How many of each team's agents work each wave (same order as SHIFTS). */
const WAVE_SHARE = [0.25, 0.35, 0.25, 0.15];

/** Relative call volume by hour from 07:00 to 19:00: a ramp, a late-morning peak, a lunch dip, an afternoon hump. */
export const HOURLY_CURVE = [0.25, 0.55, 0.58, 0.88, 0.95, 0.85, 0.92, 1.0, 0.85, 0.5, 0.42, 0.2, 0.1];
/** Calls a minute at the curve's 1.0, for the whole centre. */
export const PEAK_CALLS_PER_MINUTE = 5.2;

/** The shift wave of each agent: agents are spread over the waves team by team. */
export function shiftOf(team: DemoTeam, index: number): Shift {
  let bound = 0;
  for (let w = 0; w < SHIFTS.length; w++) {
    bound += WAVE_SHARE[w]! * team.agents.length;
    if (index < Math.round(bound)) return SHIFTS[w]!;
  }
  return SHIFTS[SHIFTS.length - 1]!;
}

export const DEMO_TARGETS = { csat: 0.8, fcr: 0.7, ahtSeconds: 420, asaSeconds: 30, qa: 0.85 };

/**
 * The settings file of the demo centre (see README, "The settings file"). A replay (`--speed` above 1) runs behind the
 * clock, so the rules that time live calls against it (ahtOverrun, longHold) are off for it.
 */
export function demoSettings(opts: { replay?: boolean } = {}): Record<string, unknown> {
  const live = { enabled: !opts.replay };
  return {
    queues: QUEUES.map((q) => ({
      id: q.id,
      name: q.name,
      serviceLevelSeconds: q.serviceLevelSeconds,
      serviceLevelTarget: q.serviceLevelTarget,
      abandonRateTarget: 0.05,
      asaTargetSeconds: q.serviceLevelSeconds,
      ahtTargetSeconds: 420,
    })),
    teams: TEAMS.map((t) => ({ id: t.id, name: t.name, agents: t.agents, queues: t.queues })),
    serviceLevelTarget: 0.8,
    targets: DEMO_TARGETS,
    rules: { csatBelow: { minSurveys: 20 }, fcrBelow: { minWrapped: 30 }, qaBelow: { minEvaluations: 5 }, ahtOverrun: live, longHold: live },
    boards: [{ id: 'front', name: 'Front line', queues: ['sales', 'billing'] }],
  };
}
