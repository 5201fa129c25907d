// Coaching prompts over HTTP: send (leads for their teams, supervisors, admins) and the feedback log as JSON or CSV.
import { Router, type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { RedisRateStore } from '../auth/rateStore.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { StoreKeys } from '../redis/keys.ts';
import { promptBody } from '../../shared/api.ts';
import { principalKey, type Principal } from '../../shared/roles.ts';
import type { Teams } from '../auth/teams.ts';
import type { PromptRecord } from '../../shared/socket.ts';
import type { Calendar } from '../domain/calendar.ts';
import type { Coaching } from '../domain/coaching.ts';
import { recipientMap } from '../redis/promptStore.ts';
import { principalOf, requireRole } from './authenticate.ts';
import { DomainError } from '../domain/errors.ts';
import { sendCsv, wantsCsv } from './csv.ts';
import { boundOf, optionalParam } from './pastQuery.ts';
import { parseBody } from './validate.ts';

/** Who is in which team, for a lead's checks. */
type TeamMembers = { teams: Pick<Teams, 'agentsOfTeams'> };

/**
 * Prompts one sender may send a minute unless configured (WALLBOARD_PROMPTS_PER_MINUTE): far above what a lead types,
 * while a script flooding a team of 200 (each prompt a write and a push per agent) is stopped.
 */
export const DEFAULT_PROMPTS_PER_MINUTE = 600;

export function promptsRouter(deps: {
  prompts: Coaching;
  directory: TeamMembers;
  calendar: Calendar;
  /** Prompts one sender may send a minute (0: no cap), counted where every instance sees them. */
  limits: { redis: RedisClient; keys: StoreKeys; perMinute?: number };
}): Router {
  const { prompts, directory, calendar } = deps;
  const router = Router();

  const perMinute = deps.limits.perMinute ?? DEFAULT_PROMPTS_PER_MINUTE;
  const limit: RequestHandler[] = perMinute > 0 ? [senderLimit({ ...deps.limits, perMinute })] : [];
  router.post('/api/v1/prompts', requireRole('admin', 'supervisor', 'lead'), ...limit, async (req, res) => {
    const body = parseBody(promptBody, req.body);
    const p = principalOf(req);
    if (!(await mayCoach(p, body.to, directory))) throw new DomainError('forbidden', `to: the ${p.role} role may not prompt ${body.to}`);
    const record = await prompts.send(body, { name: p.name, role: p.role, key: principalKey(p) });
    res.status(201).json({ id: record.id });
  });

  // Which of a team's agents have a screen open now: the composer marks the others ("no screen open").
  router.get('/api/v1/prompts/screens', requireRole('admin', 'supervisor', 'lead'), async (req, res) => {
    const p = principalOf(req);
    const team = optionalParam(req, 'team');
    if (!team) throw new DomainError('bad_request', 'team: is required');
    if (!(await mayCoach(p, `team:${team}`, directory))) throw new DomainError('forbidden', 'team: not one of your teams');
    const agents = await directory.teams.agentsOfTeams([team]);
    res.json({ agents: [...(await prompts.screensOpen([...agents]))].sort() });
  });

  router.get('/api/v1/prompts', requireRole('admin', 'supervisor', 'lead', 'agent'), async (req, res) => {
    const p = principalOf(req);
    const q = (name: string) => optionalParam(req, name);
    // Days are the centre's, as in the call log and reports; an empty bound is no bound (`?from=&to=`).
    const bound = (name: 'from' | 'to') => {
      const value = q(name);
      return value === undefined ? undefined : boundOf(value, name, calendar);
    };
    const query = { agent: q('agent'), team: q('team'), lead: q('lead'), from: bound('from'), to: bound('to') };
    if (p.role === 'agent') {
      if (query.agent && query.agent !== p.agent) throw new DomainError('forbidden', 'agent: an agent reads only its own prompts');
      query.agent = p.agent;
    }
    let records = await prompts.list(query);
    if (p.role === 'lead') {
      const agents = await directory.teams.agentsOfTeams(p.teams ?? []);
      if (query.team !== undefined && !p.teams?.includes(query.team)) throw new DomainError('forbidden', `team: not one of your teams`);
      if (query.agent !== undefined && !agents.has(query.agent)) throw new DomainError('forbidden', `agent: not in your teams`);
      // A lead sees its own agents among the recipients, never the rest of a prompt's audience.
      const ownTeam = (r: PromptRecord) => r.team !== undefined && (p.teams ?? []).includes(r.team);
      records = records.map((r) => onlyRecipients(r, (a) => agents.has(a))).filter((r) => ownTeam(r) || Object.keys(r.recipients).length > 0);
    }
    if (p.role === 'agent') {
      const own = p.agent;
      records = records.map((r) => onlyRecipients(r, (a) => a === own)).filter((r) => Object.keys(r.recipients).length > 0);
    }
    // The CSV is the same rows as the JSON, cut to what this reader may see (an agent: its own).
    if (wantsCsv(req.headers.accept)) return sendCsv(res, 'coaching-log.csv', COLUMNS, csvRows(records));
    res.json(records);
  });
  return router;
}

/** At most `perMinute` prompts a minute from one sender (its token or user), on every instance together. */
function senderLimit({ redis, keys, perMinute }: { redis: RedisClient; keys: StoreKeys; perMinute: number }): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    store: new RedisRateStore(redis, keys.auth.rateLimit('prompts')),
    keyGenerator: (req) => principalKey(principalOf(req)),
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new DomainError('too_many_requests', `too many prompts: at most ${perMinute} a minute from one sender; wait a minute`)),
  });
}

/** Leads prompt their own teams and those teams' agents; supervisors and admins anyone. */
async function mayCoach(p: Principal, to: string, directory: TeamMembers): Promise<boolean> {
  if (p.role === 'admin' || p.role === 'supervisor') return true;
  if (p.role !== 'lead') return false;
  if (to.startsWith('team:')) return (p.teams ?? []).includes(to.slice(5));
  return (await directory.teams.agentsOfTeams(p.teams ?? [])).has(to.slice(6));
}

const COLUMNS = ['id', 'sentAt', 'from', 'to', 'agent', 'priority', 'auto', 'text', 'status', 'deliveredAt', 'acknowledgedAt', 'repliedAt', 'reply'] as const;

/** A copy of a prompt with only the recipients that `keep` accepts (own keys only: ids are data). */
function onlyRecipients(record: PromptRecord, keep: (agent: string) => boolean): PromptRecord {
  const recipients = recipientMap();
  for (const [agent, recipient] of Object.entries(record.recipients)) if (keep(agent)) recipients[agent] = recipient;
  return { ...record, recipients };
}

/** The log's rows, one per recipient (every cell quoted and guarded against formulas by sendCsv). */
function csvRows(records: PromptRecord[]): unknown[][] {
  const rows: unknown[][] = [];
  for (const r of records) {
    const prompt = { id: r.id, sentAt: r.sentAt, from: r.from, to: r.to, priority: r.priority, auto: r.auto, text: r.text };
    const recipients = Object.entries(r.recipients);
    // A prompt nobody received (an automatic one to a queue, a team with no agents) is still in the log: one row, no agent.
    if (recipients.length === 0) rows.push(COLUMNS.map((c) => (c in prompt ? prompt[c as keyof typeof prompt] : undefined)));
    for (const [agent, rec] of recipients) {
      const row = { ...rec, ...prompt, agent };
      rows.push(COLUMNS.map((c) => row[c]));
    }
  }
  return rows;
}
