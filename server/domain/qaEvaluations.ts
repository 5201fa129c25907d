// Evaluations of calls on a published form: drafts until released; a release feeds the quality figures as a qa.evaluation
// event through ingest; agents comment and acknowledge; an agent's self-assessment never feeds the figures.
import { randomUUID } from 'node:crypto';
import { parseEvent, type StoredEvent } from '../../shared/events.ts';
import { answersProblem, scoreOf, type Answer, type EvaluationKind, type EvaluationRecord, type FormVersion } from '../../shared/qa.ts';
import type { QaStore } from '../redis/qaStore.ts';
import type { Clock } from './clock.ts';
import { DomainError } from './errors.ts';
import type { QaForms } from './qaForms.ts';

/** Where evaluations go live: the evaluator's screens, the agent's (released ones only), supervisors and the agent's leads. */
export interface QaChannel {
  updated(record: EvaluationRecord, teams: string[]): void;
  /** A released evaluation taken back to draft: the agent's screens drop it. */
  withdrawn(record: EvaluationRecord, teams: string[]): void;
}

interface Evaluator {
  /** The username (or token name): the figures' `evaluator`. */
  name: string;
  /** The principal key: its screens get the live updates. */
  key: string;
}

interface NewEvaluation {
  kind: EvaluationKind;
  callId: string;
  agent: string;
  formId: string;
  version: number;
  answers: Answer[];
}

interface EvaluationQuery {
  from?: number;
  to?: number;
  limit?: number;
}

const ATTEMPTS = 5;

export function createQaEvaluations(deps: {
  store: QaStore;
  forms: Pick<QaForms, 'version'>;
  clock: Clock;
  channel: QaChannel;
  teamsOf: (agent: string) => Promise<string[]>;
  /** Takes a qa.evaluation into the figures (the ingest path); resolves once stored. */
  feed: (event: StoredEvent) => Promise<void>;
}) {
  const { store, forms, clock, channel } = deps;
  const now = () => new Date(clock()).toISOString();

  async function create(input: NewEvaluation, by: Evaluator): Promise<EvaluationRecord> {
    const form = await forms.version(input.formId, input.version);
    checkAnswers(form, input.answers);
    const at = now();
    const record: EvaluationRecord = {
      id: randomUUID(),
      ...input,
      formName: form.name,
      ...scored(form, input.answers),
      status: 'draft',
      evaluator: by.name,
      evaluatorKey: by.key,
      createdAt: at,
      updatedAt: at,
      revision: 0,
    };
    if (!(await store.saveEvaluation('', record))) throw new DomainError('conflict', 'id: taken; try again');
    await tell(record);
    return record;
  }

  function update(id: string, answers: Answer[]): Promise<EvaluationRecord> {
    return change(id, async (r) => {
      if (r.status !== 'draft') throw new DomainError('conflict', 'status: a released evaluation changes only after it is reopened');
      const form = await forms.version(r.formId, r.version);
      checkAnswers(form, answers);
      return { ...r, answers, ...scored(form, answers), updatedAt: now() };
    });
  }

  /** Releases a draft to the agent; an evaluation with a score goes into the figures under an id of this revision. */
  function release(id: string): Promise<EvaluationRecord> {
    return change(id, async (r) => {
      if (r.status !== 'draft') throw new DomainError('conflict', 'status: already released');
      const form = await forms.version(r.formId, r.version);
      const { unanswered } = scoreOf(form, r.answers);
      if (unanswered > 0)
        throw new DomainError('bad_request', `answers: ${unanswered} question(s) of the form have no answer (answer na where one does not apply)`);
      const at = now();
      const released: EvaluationRecord = { ...r, status: 'released', releasedAt: at, updatedAt: at, revision: r.revision + 1 };
      delete released.acknowledgedAt;
      // Fed before it is saved: the event id is the same on a retry, so ingest takes it once.
      if (released.kind === 'evaluation' && released.score !== null) await deps.feed(eventOf(released, clock()));
      return released;
    });
  }

  /** Takes a released evaluation back to draft; the figures keep its last release until it is released again. */
  async function reopen(id: string): Promise<EvaluationRecord> {
    const record = await change(id, async (r) => {
      if (r.status !== 'released') throw new DomainError('conflict', 'status: only a released evaluation is reopened');
      return { ...r, status: 'draft', updatedAt: now() };
    });
    channel.withdrawn(record, await deps.teamsOf(record.agent));
    return record;
  }

  const comment = (id: string, text: string) =>
    change(id, async (r) => {
      mustBeReleased(r);
      const at = now();
      return { ...r, comment: { text, at }, updatedAt: at };
    });

  const acknowledge = (id: string) =>
    change(id, async (r) => {
      mustBeReleased(r);
      const at = now();
      return { ...r, acknowledgedAt: r.acknowledgedAt ?? at, updatedAt: at };
    });

  async function change(id: string, next: (r: EvaluationRecord) => Promise<EvaluationRecord>): Promise<EvaluationRecord> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const stored = await store.loadEvaluation(id);
      if (!stored) throw new DomainError('not_found', `id: no evaluation "${id}"`);
      const record = await next(stored.record);
      if (await store.saveEvaluation(stored.seq, record)) {
        if (record.status === 'released' || record.kind === 'self' || stored.record.status === 'draft') await tell(record);
        return record;
      }
    }
    throw new DomainError('conflict', `id: evaluation "${id}" is being changed by someone else; try again`);
  }

  async function tell(record: EvaluationRecord): Promise<void> {
    channel.updated(record, await deps.teamsOf(record.agent));
  }

  async function get(id: string): Promise<EvaluationRecord> {
    const stored = await store.loadEvaluation(id);
    if (!stored) throw new DomainError('not_found', `id: no evaluation "${id}"`);
    return stored.record;
  }

  const list = (query: EvaluationQuery) => store.evaluationsBetween(query.from, query.to, query.limit ?? 5000);

  return { create, update, release, reopen, comment, acknowledge, get, list };
}

export type QaEvaluations = ReturnType<typeof createQaEvaluations>;

function checkAnswers(form: FormVersion, answers: Answer[]): void {
  const problem = answersProblem(form, answers);
  if (problem) throw new DomainError('bad_request', problem);
}

function scored(form: FormVersion, answers: Answer[]): Pick<EvaluationRecord, 'score' | 'criticalFailed'> {
  const { score, criticalFailed } = scoreOf(form, answers);
  return { score, criticalFailed };
}

function mustBeReleased(r: EvaluationRecord): void {
  if (r.status !== 'released') throw new DomainError('not_found', `id: no released evaluation "${r.id}"`);
}

/** The contract's qa.evaluation for a release: its id carries the revision, so a re-release replaces the last one (latest ts wins). */
function eventOf(r: EvaluationRecord, at: number): StoredEvent {
  const raw = {
    id: `qa-form:${r.id}:r${String(r.revision).padStart(6, '0')}`,
    type: 'qa.evaluation',
    ts: at,
    callId: r.callId,
    agent: r.agent,
    score: r.score,
    form: r.formName,
    evaluator: r.evaluator,
  };
  const parsed = parseEvent(raw, 0, { now: at });
  if (!parsed.ok) throw new DomainError('bad_request', parsed.error.message);
  return parsed.event;
}
