// Evaluations over HTTP: leads score their teams' agents, supervisors anyone; agents read their released ones, comment,
// acknowledge and assess themselves; the log as JSON or CSV.
import { Router, type Request } from 'express';
import { answersBody, commentBody, evaluationBody, type EvaluationRecord } from '../../shared/qa.ts';
import { principalKey, type Principal } from '../../shared/roles.ts';
import type { Teams } from '../auth/teams.ts';
import type { Calendar } from '../domain/calendar.ts';
import { DomainError } from '../domain/errors.ts';
import type { QaEvaluations } from '../domain/qaEvaluations.ts';
import { principalOf, requireRole } from './authenticate.ts';
import { sendCsv, wantsCsv } from './csv.ts';
import { boundParam, idParam } from './pastQuery.ts';
import { parseBody } from './validate.ts';

type TeamMembers = { teams: Pick<Teams, 'agentsOfTeams'> };
const PEOPLE = ['admin', 'supervisor', 'lead', 'agent'] as const;

export function qaEvaluationsRouter(deps: { evaluations: QaEvaluations; directory: TeamMembers; calendar: Calendar }): Router {
  const { evaluations } = deps;
  const router = Router();
  const leadAgents = (p: Principal) => (p.role === 'lead' ? deps.directory.teams.agentsOfTeams(p.teams ?? []) : Promise.resolve(new Set<string>()));

  router.post('/api/v1/qa/evaluations', requireRole(...PEOPLE), async (req, res) => {
    const p = principalOf(req);
    const body = parseBody(evaluationBody, req.body);
    const agent = await subjectOf(p, body.kind, body.agent, await leadAgents(p));
    res.status(201).json(await evaluations.create({ ...body, agent }, { name: p.username ?? p.name, key: principalKey(p) }));
  });

  router.get('/api/v1/qa/evaluations', requireRole(...PEOPLE), async (req, res) => {
    const p = principalOf(req);
    const csv = wantsCsv(req.headers.accept);
    if (csv && p.role === 'agent') throw new DomainError('forbidden', 'only supervisors and leads export evaluations');
    let agent = idParam(req, 'agent');
    if (p.role === 'agent') {
      if (agent !== undefined && agent !== 'me' && agent !== p.agent) throw new DomainError('forbidden', 'agent: an agent reads only its own evaluations');
      agent = p.agent;
    }
    const agents = await leadAgents(p);
    if (p.role === 'lead' && agent !== undefined && !agents.has(agent)) throw new DomainError('forbidden', 'agent: not in your teams');
    const [from, to, callId] = [boundParam(req, 'from', deps.calendar), boundParam(req, 'to', deps.calendar), idParam(req, 'callId')];
    if (from !== undefined && to !== undefined && from >= to) throw new DomainError('bad_request', 'to: must be after from');
    const records = (await evaluations.list({ from, to, limit: csv ? 100_000 : 5000 })).filter(
      (r) => mayRead(p, r, agents) && (agent === undefined || r.agent === agent) && (callId === undefined || r.callId === callId),
    );
    if (csv) return sendCsv(res, 'evaluations.csv', EVALUATION_COLUMNS, records.map(rowOf));
    res.json({ evaluations: records });
  });

  router.get('/api/v1/qa/evaluations/:id', requireRole(...PEOPLE), async (req, res) => {
    const p = principalOf(req);
    res.json(await readable(req, p, await leadAgents(p)));
  });

  const authorAction = (path: string, act: (req: Request, r: EvaluationRecord) => Promise<EvaluationRecord>) =>
    router.post(`/api/v1/qa/evaluations/:id${path}`, requireRole(...PEOPLE), async (req, res) => {
      const p = principalOf(req);
      const record = await readable(req, p, await leadAgents(p));
      if (!mayEdit(p, record)) throw new DomainError('forbidden', 'id: only its evaluator (or a supervisor) changes an evaluation');
      res.json(await act(req, record));
    });
  authorAction('/release', (_req, r) => evaluations.release(r.id));
  authorAction('/reopen', (_req, r) => evaluations.reopen(r.id));
  router.put('/api/v1/qa/evaluations/:id', requireRole(...PEOPLE), async (req, res) => {
    const p = principalOf(req);
    const { answers } = parseBody(answersBody, req.body);
    const record = await readable(req, p, await leadAgents(p));
    if (!mayEdit(p, record)) throw new DomainError('forbidden', 'id: only its evaluator (or a supervisor) changes an evaluation');
    res.json(await evaluations.update(record.id, answers));
  });

  const agentAction = (path: string, act: (req: Request, r: EvaluationRecord) => Promise<EvaluationRecord>) =>
    router.post(`/api/v1/qa/evaluations/:id${path}`, requireRole('agent'), async (req, res) => {
      const p = principalOf(req);
      const record = await readable(req, p, new Set());
      if (record.kind !== 'evaluation') throw new DomainError('bad_request', 'id: a self-assessment takes no comment or acknowledgement');
      res.json(await act(req, record));
    });
  agentAction('/comment', (req, r) => evaluations.comment(r.id, parseBody(commentBody, req.body).text));
  agentAction('/acknowledge', (_req, r) => evaluations.acknowledge(r.id));

  /** The evaluation of the path if the caller may read it; 404 otherwise (an agent does not learn of drafts). */
  async function readable(req: Request, p: Principal, agents: Set<string>): Promise<EvaluationRecord> {
    const id = req.params.id as string;
    const record = await evaluations.get(id).catch((err: unknown) => (err instanceof DomainError && err.code === 'not_found' ? null : Promise.reject(err)));
    if (!record || !mayRead(p, record, agents)) throw new DomainError('not_found', `id: no evaluation "${id}" for you`);
    return record;
  }
  return router;
}

/** Whom an evaluation is of: an agent assesses only itself, a lead only its teams' agents, a supervisor anyone. */
async function subjectOf(p: Principal, kind: EvaluationRecord['kind'], agent: string | undefined, leadAgents: Set<string>): Promise<string> {
  if (p.role === 'agent') {
    if (kind !== 'self') throw new DomainError('forbidden', 'kind: an agent makes only self-assessments (kind: self)');
    if (agent !== undefined && agent !== p.agent) throw new DomainError('forbidden', 'agent: an agent assesses only itself');
    if (!p.agent) throw new DomainError('forbidden', 'agent: this sign-in names no agent');
    return p.agent;
  }
  if (kind === 'self') throw new DomainError('bad_request', 'kind: only an agent makes a self-assessment');
  if (agent === undefined) throw new DomainError('bad_request', 'agent: is required');
  if (p.role === 'lead' && !leadAgents.has(agent)) throw new DomainError('forbidden', `agent: "${agent}" is not in your teams`);
  return agent;
}

/** Agents read their released evaluations and their own self-assessments; leads their teams'; supervisors all but others' unsent self drafts. */
function mayRead(p: Principal, r: EvaluationRecord, leadAgents: Set<string>): boolean {
  const shared = r.kind === 'evaluation' || r.status === 'released';
  switch (p.role) {
    case 'admin':
    case 'supervisor':
      return shared;
    case 'lead':
      return shared && leadAgents.has(r.agent);
    case 'agent':
      return p.agent === r.agent && (r.status === 'released' || r.kind === 'self');
    default:
      return false;
  }
}

/** The evaluator changes its evaluation, a supervisor or admin any evaluation; a self-assessment only its agent. */
function mayEdit(p: Principal, r: EvaluationRecord): boolean {
  if (r.kind === 'self') return p.role === 'agent' && p.agent === r.agent;
  return r.evaluatorKey === principalKey(p) || p.role === 'supervisor' || p.role === 'admin';
}

const EVALUATION_COLUMNS = [
  'id',
  'kind',
  'callId',
  'agent',
  'formId',
  'formName',
  'version',
  'evaluator',
  'status',
  'score',
  'criticalFailed',
  'createdAt',
  'updatedAt',
  'releasedAt',
  'revision',
  'comment',
  'commentedAt',
  'acknowledgedAt',
  'answers',
] as const;

function rowOf(r: EvaluationRecord): unknown[] {
  const answers = r.answers.map((a) => `${a.question}=${a.value}`).join('; ');
  return [
    r.id,
    r.kind,
    r.callId,
    r.agent,
    r.formId,
    r.formName,
    r.version,
    r.evaluator,
    r.status,
    r.score,
    r.criticalFailed,
    r.createdAt,
    r.updatedAt,
    r.releasedAt ?? null,
    r.revision,
    r.comment?.text ?? null,
    r.comment?.at ?? null,
    r.acknowledgedAt ?? null,
    answers,
  ];
}
