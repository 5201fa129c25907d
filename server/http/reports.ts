// GET /api/v1/reports: a scope's figures per interval, day, ISO week or month over a range of days, as JSON or CSV.
import { Router } from 'express';
import { COUNTERS, emptyCounters, ratios, type Ratios } from '../../shared/figures.ts';
import { mayRead } from '../../shared/roles.ts';
import type { Teams } from '../auth/teams.ts';
import type { Calendar } from '../domain/calendar.ts';
import type { Clock } from '../domain/clock.ts';
import { DomainError } from '../domain/errors.ts';
import { REPORT_PERIODS, type ReportPeriod, type Reports } from '../domain/reports.ts';
import { principalOf } from './authenticate.ts';
import { sendCsv, wantsCsv } from './csv.ts';
import { dayParam, param } from './pastQuery.ts';
import { parseScope, SCOPE_FORMAT } from '../../shared/scope.ts';

/** The most days one report spans (a little over two years). */
const MAX_DAYS = 800;
/** The most days a report by interval spans (a quarter, 8,832 rows at most): a year's 35,000 rows took the loop a second. */
export const MAX_INTERVAL_DAYS = 92;
/** `start`, every counter, then every ratio (taken from the figures themselves, so a figure added there is a column here). */
const REPORT_COLUMNS = ['start', ...COUNTERS, ...(Object.keys(ratios(emptyCounters())) as (keyof Ratios)[])] as const;

export function reportsRouter(deps: { reports: Reports; calendar: Calendar; clock: Clock; directory: { teams: Pick<Teams, 'agentsOfTeams'> } }): Router {
  const router = Router();
  router.get('/api/v1/reports', async (req, res) => {
    const principal = principalOf(req);
    const scope = param(req, 'scope') ?? 'all';
    if (!parseScope(scope)) throw new DomainError('bad_request', `scope: ${SCOPE_FORMAT}`);
    const today = deps.calendar.today(deps.clock());
    const fromDay = dayParam(req, 'from');
    const toDay = dayParam(req, 'to');
    const [from, to] = [fromDay ?? toDay ?? today, toDay ?? fromDay ?? today];
    if (to < from) throw new DomainError('bad_request', 'to: must not be before from');
    if (Date.parse(to) - Date.parse(from) >= MAX_DAYS * 86_400_000) throw new DomainError('bad_request', `to: a report spans at most ${MAX_DAYS} days`);
    const by = param(req, 'by') ?? 'day';
    if (!(REPORT_PERIODS as readonly string[]).includes(by)) throw new DomainError('bad_request', `by: must be one of ${REPORT_PERIODS.join(', ')}`);
    if (by === 'interval' && Date.parse(to) - Date.parse(from) >= MAX_INTERVAL_DAYS * 86_400_000)
      throw new DomainError('bad_request', `to: a report by interval spans at most ${MAX_INTERVAL_DAYS} days (by=day, week or month up to ${MAX_DAYS})`);
    const agents = principal.role === 'lead' ? await deps.directory.teams.agentsOfTeams(principal.teams ?? []) : new Set<string>();
    if (!mayRead(principal, scope, () => agents)) throw new DomainError('forbidden', `the ${principal.role} role may not read ${scope}`);
    const report = await deps.reports.read(scope, from, to, by as ReportPeriod);
    if (!wantsCsv(req.headers.accept)) return void res.json(report);
    const rows = report.rows.map((row) => REPORT_COLUMNS.map((column) => row[column]));
    sendCsv(res, `report-${by}-${from}-${to}.csv`, REPORT_COLUMNS, rows);
  });
  return router;
}
