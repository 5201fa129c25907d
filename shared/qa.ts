// Quality evaluation forms and evaluations: their schemas and the score arithmetic, pure so the scorer's screen shows the same score.
import { z } from 'zod';
import { identifier as id } from './events.ts';

const QUESTION_KINDS = ['yesno', 'scale'] as const;
type QuestionKind = (typeof QUESTION_KINDS)[number];

const words = (max: number) => z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const questionSchema = z.object({
  id: id('question id'),
  text: words(500),
  kind: z.enum(QUESTION_KINDS, { error: 'must be yesno or scale' }),
  weight: z.number({ error: 'must be a number' }).positive('must be more than 0').max(100, 'must be at most 100'),
  critical: z.boolean({ error: 'must be true or false' }).default(false),
});

const sectionSchema = z.object({
  title: words(200),
  questions: z.array(questionSchema).min(1, 'a section needs a question').max(100, 'at most 100 questions'),
});

/** What a supervisor designs: `POST /api/v1/qa/forms` (with an optional id) and `PUT /api/v1/qa/forms/:id`. */
export const formBody = z
  .object({
    id: id('form id').optional(),
    name: words(120),
    sections: z.array(sectionSchema).min(1, 'a form needs a section').max(50, 'at most 50 sections'),
  })
  .superRefine((form, ctx) => {
    const seen = new Set<string>();
    form.sections.forEach((section, s) =>
      section.questions.forEach((q, i) => {
        if (seen.has(q.id)) ctx.addIssue({ code: 'custom', path: ['sections', s, 'questions', i, 'id'], message: `"${q.id}" is used twice` });
        seen.add(q.id);
      }),
    );
  });
export type FormBody = z.infer<typeof formBody>;
export type Question = z.infer<typeof questionSchema>;
export type Section = z.infer<typeof sectionSchema>;

/** One version of a form: a published one never changes. */
export interface FormVersion {
  formId: string;
  version: number;
  name: string;
  sections: Section[];
  status: 'draft' | 'published';
  updatedAt: string;
  updatedBy: string;
  publishedAt?: string;
}

/** A form as listed: its latest published version number (0: none yet) and whether a draft is open. */
export interface FormSummary {
  id: string;
  name: string;
  published: number;
  draft: boolean;
  createdAt: string;
}

/** yes / no / n/a for a yes-no question, 1–5 for a scale (n/a allowed there too). */
export type AnswerValue = 'yes' | 'no' | 'na' | 1 | 2 | 3 | 4 | 5;
const answerSchema = z.object({
  question: id('question id'),
  value: z.union([z.enum(['yes', 'no', 'na']), z.literal([1, 2, 3, 4, 5])], { error: 'must be yes, no, na or an integer from 1 to 5' }),
});
export type Answer = { question: string; value: AnswerValue };

export const EVALUATION_KINDS = ['evaluation', 'self'] as const;
export type EvaluationKind = (typeof EVALUATION_KINDS)[number];

/** `POST /api/v1/qa/evaluations`: a draft; an agent's own is `kind: 'self'` and names no one else. */
export const evaluationBody = z.object({
  kind: z.enum(EVALUATION_KINDS, { error: 'must be evaluation or self' }).default('evaluation'),
  callId: id('call id'),
  agent: id('agent id').optional(),
  formId: id('form id'),
  version: z.int({ error: 'must be a whole number' }).min(1, 'must be 1 or more'),
  answers: z.array(answerSchema).max(5000).default([]),
});
export const answersBody = z.object({ answers: z.array(answerSchema).max(5000) });
export const commentBody = z.object({ text: words(2000) });

export interface EvaluationRecord {
  id: string;
  kind: EvaluationKind;
  callId: string;
  agent: string;
  formId: string;
  version: number;
  formName: string;
  answers: Answer[];
  /** Percent 0–100 by the form's weights; null when every answered question is n/a (or none is answered). */
  score: number | null;
  criticalFailed: boolean;
  status: 'draft' | 'released';
  evaluator: string;
  /** The evaluator's principal key: its screens get the live updates. */
  evaluatorKey: string;
  createdAt: string;
  updatedAt: string;
  releasedAt?: string;
  /** Counts releases: the figures' event id carries it, so a re-release replaces the earlier one. */
  revision: number;
  comment?: { text: string; at: string };
  acknowledgedAt?: string;
}

/** `qa:evaluation` on Socket.IO: an evaluation as it now stands, or one taken back to draft (the agent sees it go). */
export type EvaluationUpdate = { evaluation: EvaluationRecord } | { id: string; withdrawn: true };

interface Score {
  /** Percent 0–100, or null when no answered question counts (all n/a, or none answered). */
  score: number | null;
  criticalFailed: boolean;
  /** Questions of the form with no answer yet. */
  unanswered: number;
}

/** The points of an answer out of 1, or null for n/a. */
function pointsOf(kind: QuestionKind, value: AnswerValue): number | null {
  if (value === 'na') return null;
  if (kind === 'yesno') return value === 'yes' ? 1 : 0;
  return ((value as number) - 1) / 4;
}

/** Whether an answer fails a critical question: "no", or the lowest point of a scale. */
const failsCritical = (q: Question, value: AnswerValue | undefined): boolean => q.critical && (value === 'no' || value === 1);

/**
 * score = Σ(weight × points) / Σ(weight × 1) over the answered questions that are not n/a, as a percentage;
 * any failed critical question makes it 0; nothing counted (all n/a) gives null: no score, not 0 nor 100.
 */
export function scoreOf(form: Pick<FormVersion, 'sections'>, answers: readonly Answer[]): Score {
  const byQuestion = new Map(answers.map((a) => [a.question, a.value]));
  let [earned, possible, unanswered, criticalFailed] = [0, 0, 0, false];
  for (const q of form.sections.flatMap((s) => s.questions)) {
    const value = byQuestion.get(q.id);
    if (value === undefined) {
      unanswered++;
      continue;
    }
    if (failsCritical(q, value)) criticalFailed = true;
    const points = pointsOf(q.kind, value);
    if (points === null) continue;
    earned += q.weight * points;
    possible += q.weight;
  }
  if (possible === 0) return { score: null, criticalFailed, unanswered };
  return { score: criticalFailed ? 0 : (earned / possible) * 100, criticalFailed, unanswered };
}

/** Why these answers do not fit the form (first problem, naming the field), or null. */
export function answersProblem(form: Pick<FormVersion, 'sections'>, answers: readonly Answer[]): string | null {
  const questions = new Map(form.sections.flatMap((s) => s.questions).map((q) => [q.id, q]));
  const seen = new Set<string>();
  for (const [i, a] of answers.entries()) {
    const q = questions.get(a.question);
    if (!q) return `answers.${i}.question: no question "${a.question}" on this form version`;
    if (seen.has(a.question)) return `answers.${i}.question: "${a.question}" is answered twice`;
    seen.add(a.question);
    if (q.kind === 'yesno' && typeof a.value === 'number') return `answers.${i}.value: "${a.question}" takes yes, no or na`;
    if (q.kind === 'scale' && (a.value === 'yes' || a.value === 'no')) return `answers.${i}.value: "${a.question}" takes 1 to 5 or na`;
  }
  return null;
}
