// How a metrics answer differs from the reference model: every per-day figure, interval and live figure, named.
import { DateTime } from 'luxon';
import { AGENT_STATES, COUNT_NAMES, RATIO_NAMES, dayFigures, type Figures, type OracleEvent, type OracleFigures } from './oracle.ts';

/** Counts and sums exactly; means and ratios to 1e-9 (relative); null only as null. */
const same = (got: unknown, want: number | null) =>
  want === null || typeof got !== 'number' ? got === want : Number.isInteger(want) ? got === want : Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want));

export function figureDifferences(where: string, got: Record<string, unknown>, want: Figures): string[] {
  const wanted = new Map<string, number | null>(Object.entries(want));
  return [...COUNT_NAMES, ...RATIO_NAMES].filter((n) => !same(got[n], wanted.get(n)!)).map((n) => `${where} ${n}: server ${got[n]} oracle ${wanted.get(n)}`);
}

/** Every difference between one metrics answer and the model, per-day figures, intervals and live figures. */
export function differences(scope: string, day: string, got: Record<string, any>, model: OracleFigures): string[] {
  const want = dayFigures(model, scope, day);
  const out = figureDifferences(`${scope} ${day}`, got, want);
  const gotStarts = (got.intervals as { start: string }[]).map((i) => i.start);
  const wantStarts = want.intervals.map((i) => i.start);
  if (gotStarts.map((s) => Date.parse(s)).join() !== want.intervals.map((i) => i.startMs).join()) {
    out.push(`${scope} ${day} intervals: server ${gotStarts.join(' ')} oracle ${wantStarts.join(' ')}`);
  } else {
    want.intervals.forEach((w, n) => {
      const g = got.intervals[n] as Record<string, unknown>;
      if (DateTime.fromISO(g.start as string, { setZone: true }).offset !== DateTime.fromISO(w.start, { setZone: true }).offset)
        out.push(`${scope} interval ${w.start}: server's start ${g.start as string}`);
      out.push(...figureDifferences(`${scope} ${w.start}`, g, w));
    });
  }
  const live = model.live.get(scope);
  if (scope === 'all' || scope.startsWith('queue:')) {
    const since = got.longestWaitSince === null ? null : Date.parse(got.longestWaitSince);
    const wantSince = live?.longestWaitSince ? Date.parse(live.longestWaitSince) : null;
    if (got.waiting !== (live?.waiting ?? 0) || since !== wantSince)
      out.push(`${scope} live: server waiting ${got.waiting} since ${got.longestWaitSince} oracle ${live?.waiting} since ${live?.longestWaitSince}`);
  }
  if (!scope.startsWith('queue:')) {
    for (const state of AGENT_STATES) {
      if ((got.agents?.[state] ?? 0) !== (live?.agents[state] ?? 0))
        out.push(`${scope} agents.${state}: server ${got.agents?.[state]} oracle ${live?.agents[state]}`);
    }
  }
  return out;
}

/** A failing day told compactly, in ts order, for the report. */
export function storyOf(events: OracleEvent[], tz: string): string {
  return events
    .map((e) => {
      const at = DateTime.fromMillis(typeof e.ts === 'number' ? e.ts : Date.parse(e.ts), { zone: tz }).toISO();
      const { id: _id, ts: _ts, type, ...fields } = e;
      return `${at} ${type} ${JSON.stringify(fields)}`;
    })
    .join('\n');
}
