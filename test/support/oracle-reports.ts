// The reference model's reports (CONTRACT.md v2, "The past"): a scope's figures summed by interval, day, ISO week or
// calendar month in the center's zone, over the days from..to, one row per period that has any figure.
import { DateTime } from 'luxon';
import { emptyTally, hasAnyFigure, withRatios, type Figures, type OracleFigures, type Tally } from './oracle.ts';

export type ReportPeriod = 'interval' | 'day' | 'week' | 'month';

interface ReportRow extends Figures {
  startMs: number;
}

function periodStart(intervalMs: number, by: ReportPeriod, tz: string): number {
  if (by === 'interval') return intervalMs;
  const local = DateTime.fromMillis(intervalMs, { zone: tz });
  return local.startOf(by === 'day' ? 'day' : by === 'week' ? 'week' : 'month').toMillis();
}

/** Rows in time order; `from` and `to` are days (YYYY-MM-DD in the zone), both included. */
export function reportRows(figures: OracleFigures, scope: string, from: string, to: string, by: ReportPeriod): ReportRow[] {
  const periods = new Map<number, Tally>();
  for (const [startMs, tally] of figures.tallies.get(scope) ?? []) {
    const day = DateTime.fromMillis(startMs, { zone: figures.tz }).toISODate()!;
    if (day < from || day > to || !hasAnyFigure(tally)) continue;
    const start = periodStart(startMs, by, figures.tz);
    const sum = periods.get(start) ?? emptyTally();
    for (const name of Object.keys(tally) as (keyof Tally)[]) sum[name] += tally[name];
    periods.set(start, sum);
  }
  return [...periods].sort(([a], [b]) => a - b).map(([startMs, tally]) => ({ startMs, ...withRatios(tally) }));
}
