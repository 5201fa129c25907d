// GET /api/v1/calls: the call log, newest first, as JSON pages or CSV (one row per segment), under the figures' role rules.
import { Router, type Request } from 'express';
import { CALL_OUTCOMES, type CallOutcome, type CallRecord } from '../../shared/calls.ts';
import { mayRead, type Principal } from '../../shared/roles.ts';
import type { Teams } from '../auth/teams.ts';
import type { Calendar } from '../domain/calendar.ts';
import { decodeCursor, type CallLog, type CallQuery } from '../domain/callQuery.ts';
import type { Clock } from '../domain/clock.ts';
import { DomainError } from '../domain/errors.ts';
import { principalOf, requireRole } from './authenticate.ts';
import { sendCsv, wantsCsv } from './csv.ts';
import { boundParam, idParam, intParam, param } from './pastQuery.ts';

type TeamDirectory = { teams: Pick<Teams, 'agentsOfTeams'>; teamOf(team: string): Promise<{ agents: string[] } | null> };

const DAY_MS = 86_400_000;
const MAX_RANGE_MS = 800 * DAY_MS;
const PAGE = 100;
const MAX_PAGE = 1000;
/** A CSV export reads this many calls at most; the JSON pages have no limit (follow `next`). */
const CSV_MAX = 100_000;

export function callsRouter(deps: { calls: CallLog; calendar: Calendar; clock: Clock; directory: TeamDirectory }): Router {
  const router = Router();
  router.get('/api/v1/calls', requireRole('admin', 'supervisor', 'display', 'lead', 'agent'), async (req, res) => {
    const query = await queryOf(req, principalOf(req), deps);
    if (!wantsCsv(req.headers.accept)) return void res.json(await deps.calls.page(query));
    // The CSV holds the whole range: pages are followed here (up to CSV_MAX calls).
    const calls: CallRecord[] = [];
    for (let q = { ...query, limit: MAX_PAGE }; calls.length < CSV_MAX;) {
      const page = await deps.calls.page(q);
      calls.push(...page.calls);
      if (!page.next) break;
      q = { ...q, cursor: decodeCursor(page.next)! };
    }
    sendCsv(res, 'calls.csv', CALL_COLUMNS, calls.flatMap(rowsOf));
  });
  return router;
}

async function queryOf(req: Request, p: Principal, deps: { calendar: Calendar; clock: Clock; directory: TeamDirectory }): Promise<CallQuery> {
  const { calendar } = deps;
  const from = boundParam(req, 'from', calendar);
  const to = boundParam(req, 'to', calendar);
  // Unbounded ends reach as far as the log does: back over the longest range, forward past any event's `ts`.
  // One reading of the clock: two could be a millisecond apart and make the default range one too long.
  const now = deps.clock();
  const range = { from: from ?? (to ?? now) - MAX_RANGE_MS + DAY_MS, to: to ?? now + DAY_MS };
  if (range.from >= range.to) throw new DomainError('bad_request', 'to: must be after from');
  if (range.to - range.from > MAX_RANGE_MS) throw new DomainError('bad_request', 'to: a range of at most 800 days');
  const outcome = param(req, 'outcome');
  if (outcome !== undefined && !(CALL_OUTCOMES as readonly string[]).includes(outcome)) {
    throw new DomainError('bad_request', `outcome: must be one of ${CALL_OUTCOMES.join(', ')}`);
  }
  const caller = param(req, 'caller');
  if (caller !== undefined && caller.length > 256) throw new DomainError('bad_request', 'caller: must be at most 256 characters');
  const cursorText = param(req, 'cursor');
  const cursor = cursorText === undefined ? undefined : decodeCursor(cursorText);
  if (cursor === null) throw new DomainError('bad_request', 'cursor: is not one this server gave (pass `next` as it came)');
  const query: CallQuery = { ...range, limit: intParam(req, 'limit', 1, MAX_PAGE) ?? PAGE, visible: await visibility(p, deps.directory) };
  if (cursor) query.cursor = cursor;
  if (outcome !== undefined) query.outcome = outcome as CallOutcome;
  if (caller !== undefined) query.caller = caller;
  await scopeFilters(req, p, deps.directory, query);
  return query;
}

/** queue, agent and team narrow the answer; agent and team must be scopes the caller may read, as for the figures. */
async function scopeFilters(req: Request, p: Principal, directory: TeamDirectory, query: CallQuery): Promise<void> {
  const [queue, agent, team] = [idParam(req, 'queue'), idParam(req, 'agent'), idParam(req, 'team')];
  const leadAgents = p.role === 'lead' ? await directory.teams.agentsOfTeams(p.teams ?? []) : new Set<string>();
  const may = (scope: string) => mayRead(p, scope, () => leadAgents);
  // A lead or agent filtering its own calls by queue only narrows them; a display board reads only its queues.
  if (queue !== undefined && p.role === 'display' && !may(`queue:${queue}`))
    throw new DomainError('forbidden', `queue: the display may not read queue:${queue}`);
  if (agent !== undefined && !may(`agent:${agent}`)) throw new DomainError('forbidden', `agent: the ${p.role} role may not read agent:${agent}`);
  if (team !== undefined && !may(`team:${team}`)) throw new DomainError('forbidden', `team: the ${p.role} role may not read team:${team}`);
  if (queue !== undefined) query.queue = queue;
  if (agent !== undefined) query.agent = agent;
  if (team !== undefined) {
    const found = await directory.teamOf(team);
    if (!found) throw new DomainError('not_found', `team: no team "${team}"`);
    query.teamAgents = new Set(found.agents);
  }
}

/** Which calls a principal sees: the figures' rules applied to a call's queues and agents. */
async function visibility(p: Principal, directory: TeamDirectory): Promise<CallQuery['visible']> {
  switch (p.role) {
    case 'admin':
    case 'supervisor':
      return () => true;
    case 'display': {
      const boards = p.queues && p.queues.length > 0 ? new Set(p.queues) : null;
      return (facts) => boards === null || [...facts.queues].some((q) => boards.has(q));
    }
    case 'lead': {
      const agents = await directory.teams.agentsOfTeams(p.teams ?? []);
      return (facts) => [...facts.agents].some((a) => agents.has(a));
    }
    case 'agent':
      return (facts) => p.agent !== undefined && facts.agents.has(p.agent);
    default:
      return () => false;
  }
}

const CALL_COLUMNS = [
  'callId',
  'caller',
  'callType',
  'startedAt',
  'segment',
  'queue',
  'offeredAt',
  'outcome',
  'waitMs',
  'agents',
  'answeredAt',
  'endedAt',
  'wrappedAt',
  'talkMs',
  'holdMs',
  'wrapMs',
  'transferredTo',
  'survey',
  'resolved',
] as const;

/** One row per segment (a call with none gets one row); a segment's parts summed, their agents in order. */
function rowsOf(call: CallRecord): unknown[][] {
  const head = [call.callId, call.caller, call.callType, call.startedAt];
  const tail = [call.survey, call.resolved];
  if (call.segments.length === 0) return [[...head, ...Array<null>(CALL_COLUMNS.length - head.length - tail.length).fill(null), ...tail]];
  return call.segments.map((segment, index) => {
    const parts = call.parts.filter((part) => part.segment === index);
    const sum = (pick: (part: (typeof parts)[number]) => number | null) =>
      parts.length === 0 || parts.some((part) => pick(part) === null) ? null : parts.reduce((n, part) => n + pick(part)!, 0);
    const last = parts.at(-1);
    return [
      ...head,
      index + 1,
      segment.queue,
      segment.offeredAt,
      segment.outcome,
      segment.waitMs,
      parts.map((part) => part.agent).join(' > '),
      parts[0]?.answeredAt ?? null,
      last?.endedAt ?? null,
      last?.wrappedAt ?? null,
      sum((part) => part.talkMs),
      sum((part) => part.holdMs),
      sum((part) => part.wrapMs),
      last?.transferredTo ?? null,
      ...tail,
    ];
  });
}
