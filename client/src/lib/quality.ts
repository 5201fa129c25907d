// Quality screens' helpers: answers as the form's selects hold them, and the evaluation API calls.
import { type Answer, type AnswerValue, type EvaluationRecord, type FormVersion } from '../../../shared/qa.ts';
import { api } from './api.ts';

/** Every question of a form version in order, with the section it is in. */
const questionsOf = (form: Pick<FormVersion, 'sections'>) => form.sections.flatMap((s) => s.questions);

/** The selects' values (one per question, '' unanswered) as answers. */
export function answersOf(form: Pick<FormVersion, 'sections'>, values: string[]): Answer[] {
  return questionsOf(form).flatMap((q, i) => {
    const v = values[i] ?? '';
    if (v === '') return [];
    return [{ question: q.id, value: (/^[1-5]$/.test(v) ? Number(v) : v) as AnswerValue }];
  });
}

/** The selects' values for saved answers. */
export function valuesOf(form: Pick<FormVersion, 'sections'>, answers: readonly Answer[]): string[] {
  const byQuestion = new Map(answers.map((a) => [a.question, String(a.value)]));
  return questionsOf(form).map((q) => byQuestion.get(q.id) ?? '');
}

const path = (id: string, action = '') => `/api/v1/qa/evaluations/${encodeURIComponent(id)}${action}`;

export const evaluationApi = {
  create: (body: { kind?: 'evaluation' | 'self'; callId: string; agent?: string; formId: string; version: number; answers: Answer[] }) =>
    api<EvaluationRecord>('POST', '/api/v1/qa/evaluations', { body }),
  save: (id: string, answers: Answer[]) => api<EvaluationRecord>('PUT', path(id), { body: { answers } }),
  release: (id: string) => api<EvaluationRecord>('POST', path(id, '/release')),
  comment: (id: string, text: string) => api<EvaluationRecord>('POST', path(id, '/comment'), { body: { text } }),
  acknowledge: (id: string) => api<EvaluationRecord>('POST', path(id, '/acknowledge')),
  version: (formId: string, version: number) => api<FormVersion>('GET', `/api/v1/qa/forms/${encodeURIComponent(formId)}/versions/${version}`),
};

/** A list with one evaluation put in (or replaced), newest first. */
export function upsert(list: EvaluationRecord[], record: EvaluationRecord): EvaluationRecord[] {
  const rest = list.filter((r) => r.id !== record.id);
  return [record, ...rest].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
}

/** A score for the screen: one decimal, or a dash when there is none. */
export const scoreText = (score: number | null) => (score === null ? '—' : `${Math.round(score * 10) / 10}%`);
