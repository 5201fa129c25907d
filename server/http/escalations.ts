// Escalations over HTTP: the log with its times (JSON or CSV), today's counts, and who an escalation may be handed to.
import { Router, type Request } from 'express';
import { DateTime } from 'luxon';
import { escalationStats, type Escalation } from '../../shared/escalations.ts';
import type { Principal } from '../../shared/roles.ts';
import type { Teams } from '../auth/teams.ts';
import { escalationRows, REPORT_PERIODS, type Escalations, type EscalationQuery, type ReportPeriod } from '../domain/escalations.ts';
import { DomainError } from '../domain/errors.ts';
import { principalOf, requireRole } from './authenticate.ts';
import { sendCsv, wantsCsv } from './csv.ts';

type TeamMembers = { teams: Pick<Teams, 'agentsOfTeams'> };

export function escalationsRouter(deps: { escalations: Escalations; directory: TeamMembers; tz: string }): Router {
  const { escalations, directory, tz } = deps;
  const router = Router();

  router.get('/api/v1/escalations/leads', requireRole('admin', 'supervisor', 'lead'), async (req, res) => {
    const team = typeof req.query.team === 'string' ? req.query.team : '';
    if (!team) throw new DomainError('bad_request', 'team: is required');
    res.json({ leads: await escalations.leadsFor(principalOf(req), team) });
  });

  router.get('/api/v1/escalations/summary', requireRole('admin', 'supervisor', 'lead', 'agent'), async (req, res) => {
    const p = principalOf(req);
    const by = req.query.by;
    if (by !== undefined && !REPORT_PERIODS.includes(by as ReportPeriod))
      throw new DomainError('bad_request', `by: must be one of ${REPORT_PERIODS.join(', ')}`);
    const list = await escalations.list(p, await queryOf(req, p, directory, tz));
    // Without `by`: the whole range at once (the lead console's "today"); with it, one row per period, as in reports.
    res.json(by === undefined ? escalationStats(list) : { tz, by, rows: escalationRows(list, tz, by as ReportPeriod) });
  });

  router.get('/api/v1/escalations', requireRole('admin', 'supervisor', 'lead', 'agent'), async (req, res) => {
    const p = principalOf(req);
    const list = await escalations.list(p, await queryOf(req, p, directory, tz));
    if (wantsCsv(req.headers.accept)) {
      if (p.role === 'agent') throw new DomainError('forbidden', 'only supervisors and leads export the log');
      return sendCsv(res, 'escalations.csv', COLUMNS, csvRows(list));
    }
    res.json(list);
  });
  return router;
}

/** The log's filters, checked against the caller: a lead asks of its teams and agents, an agent of itself. */
async function queryOf(req: Request, p: Principal, directory: TeamMembers, tz: string): Promise<EscalationQuery> {
  const q = (name: string) => {
    const value = req.query[name];
    if (value !== undefined && typeof value !== 'string') throw new DomainError('bad_request', `${name}: must be given once`);
    return value === '' ? undefined : value;
  };
  const query: EscalationQuery = { team: q('team'), agent: q('agent'), from: instant(q('from'), 'from', false, tz), to: instant(q('to'), 'to', true, tz) };
  if (p.role === 'agent' && query.agent !== undefined && query.agent !== p.agent)
    throw new DomainError('forbidden', 'agent: an agent reads only its own escalations');
  if (p.role === 'agent' && query.team !== undefined) throw new DomainError('forbidden', 'team: an agent reads only its own escalations');
  if (p.role === 'lead') {
    if (query.team !== undefined && !(p.teams ?? []).includes(query.team)) throw new DomainError('forbidden', 'team: not one of your teams');
    if (query.agent !== undefined && !(await directory.teams.agentsOfTeams(p.teams ?? [])).has(query.agent))
      throw new DomainError('forbidden', 'agent: not in your teams');
  }
  return query;
}

/** A query's `from` / `to`: a date (its start or end of day in the centre's `zone`) or an ISO-8601 time. */
function instant(value: string | undefined, field: string, endOfDay: boolean, zone: string): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = DateTime.fromISO(value, { zone });
    if (day.isValid) return (endOfDay ? day.endOf('day') : day.startOf('day')).toMillis();
  }
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new DomainError('bad_request', `${field}: must be a date YYYY-MM-DD or an ISO-8601 time`);
  return ms;
}

const COLUMNS = [
  'id',
  'agent',
  'teams',
  'callId',
  'queue',
  'reason',
  'status',
  'raisedAt',
  'takenBy',
  'takenAt',
  'closedAt',
  'closedBy',
  'timeToTakeMs',
  'timeToResolveMs',
] as const;

/** One row per escalation (every cell quoted and guarded against formulas by sendCsv). */
function csvRows(list: Escalation[]): unknown[][] {
  return list.map((e) => {
    const row = { ...e, teams: e.teams.join(' '), takenBy: e.takenBy?.name };
    return COLUMNS.map((c) => row[c]);
  });
}
