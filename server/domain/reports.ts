// Reports (CONTRACT v2 "The past"): a scope's figures per interval, day, ISO week or month over a range of days,
// summed from the same stored interval counters GET /api/v1/metrics reads (never recomputed from events).
import { DateTime } from 'luxon';
import { COUNTERS, emptyCounters, withRatios, type CounterName, type Counters, type IntervalFigures } from '../../shared/figures.ts';
import { parseScope, SCOPE_FORMAT } from '../../shared/scope.ts';
import type { FigureReader } from '../redis/figureReader.ts';
import type { Calendar } from './calendar.ts';
import { daysDown } from './callQuery.ts';
import { DomainError } from './errors.ts';
import type { TeamLookup } from './metrics.ts';

export const REPORT_PERIODS = ['interval', 'day', 'week', 'month'] as const;
export type ReportPeriod = (typeof REPORT_PERIODS)[number];

interface Report {
  scope: string;
  tz: string;
  by: ReportPeriod;
  from: string;
  to: string;
  /** One per period with any figure, in time order; `start` is the period's first instant in the centre's zone. */
  rows: IntervalFigures[];
}

const COUNTER_SET = new Set<string>(COUNTERS);
/** Days read per round trip. */
const DAYS_PER_READ = 31;

export function createReports(deps: { figures: FigureReader; calendar: Calendar; teams: TeamLookup }) {
  const { figures, calendar } = deps;

  /** The counter scopes behind a scope: a team its agents (as the metrics read them), any other scope its own. */
  async function counterScopesOf(scope: string): Promise<string[]> {
    const parsed = parseScope(scope);
    if (!parsed) throw new DomainError('bad_request', `scope: ${SCOPE_FORMAT}`);
    if (parsed.kind !== 'team') return [scope];
    const team = await deps.teams.teamOf(parsed.id);
    if (!team) throw new DomainError('not_found', `scope: no team "${parsed.id}"`);
    return team.agents.map((agent) => `agent:${agent}`);
  }

  /** The first instant of a day's period (day, ISO week from Monday, or month) in the centre's zone; null for intervals. */
  function periodOfDay(day: string, by: ReportPeriod): number | null {
    if (by === 'interval') return null;
    const start = DateTime.fromISO(day, { zone: calendar.tz }).startOf('day');
    return (by === 'day' ? start : start.startOf(by === 'week' ? 'week' : 'month')).toMillis();
  }

  async function read(scope: string, from: string, to: string, by: ReportPeriod): Promise<Report> {
    const counterScopes = await counterScopesOf(scope);
    const days = daysDown(to, from).reverse();
    const periods = new Map<number, Counters>();
    for (let at = 0; at < days.length && counterScopes.length > 0; at += DAYS_PER_READ) {
      const read = await figures.countersOfDays(counterScopes, days.slice(at, at + DAYS_PER_READ));
      for (const [day, hashes] of read) {
        const dayPeriod = periodOfDay(day, by);
        for (const hash of hashes) addHash(hash, dayPeriod, periods);
      }
    }
    const rows = [...periods]
      .filter(([, c]) => COUNTERS.some((name) => c[name] !== 0))
      .sort(([a], [b]) => a - b)
      .map(([start, c]) => ({ start: calendar.format(start), ...withRatios(c) }));
    return { scope, tz: calendar.tz, by, from, to, rows };
  }

  /**
   * Adds a day hash ("<interval start ms>:<figure>" → count) into its periods; `dayPeriod` is the day's period, or null
   * for intervals (worked out once a day: luxon takes ~60 µs, and a team's year holds millions of fields).
   */
  function addHash(hash: Map<string, string>, dayPeriod: number | null, periods: Map<number, Counters>): void {
    for (const [field, count] of hash) {
      const cut = field.indexOf(':');
      const name = field.slice(cut + 1);
      if (!COUNTER_SET.has(name)) continue;
      const period = dayPeriod ?? Number(field.slice(0, cut));
      const bucket = periods.get(period) ?? emptyCounters();
      bucket[name as CounterName] += Number(count);
      periods.set(period, bucket);
    }
  }

  return { read };
}

export type Reports = ReturnType<typeof createReports>;
