// Request bodies of the API (CONTRACT.md), validated on the server with these schemas.
import { z } from 'zod';
import { hasControlCharacter, identifier, idProblem } from './events.ts';
import { ROLES } from './roles.ts';

/** Team, agent and queue ids follow the contract's id rules (v2): well-formed, 1–128 characters, no control characters. */
const id = identifier('id');

export const teamBody = z.object({
  name: z.string().min(1, 'must not be empty').max(200),
  agents: z.array(id).max(1000).default([]),
  /** The queues the team serves: their live figures come with the team's (an extension). */
  queues: z.array(id).max(100).optional(),
});

export const tokenBody = z
  .object({
    role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }),
    /** An agent id, a team id, or a display token's comma list of queue ids. */
    subject: z
      .string()
      .min(1)
      .max(1000)
      .refine((value) => value.isWellFormed() && !hasControlCharacter(value), 'must be well-formed text without control characters')
      .optional(),
    name: z.string().min(1, 'must not be empty').max(200),
  })
  .superRefine((body, ctx) => {
    // The subject names an agent, a team or queues: each an id like any other (CONTRACT v2), 128 characters at most.
    const problem = subjectIds(body.role, body.subject)
      .map(idProblem)
      .find((p) => p !== null);
    if (problem) ctx.addIssue({ code: 'custom', path: ['subject'], message: body.role === 'display' ? `each queue id ${problem}` : problem });
  });

/** The ids a token's subject names: an agent's or a lead's is one, a display's a comma list of queues, others none. */
function subjectIds(role: string, subject: string | undefined): string[] {
  if (subject === undefined) return [];
  if (role === 'display') return subject.split(',');
  return role === 'agent' || role === 'lead' ? [subject] : [];
}

export const userBody = z.object({
  /** A username is an id like any other (CONTRACT v2): well-formed, 1–128 characters, no control characters. */
  username: identifier('username'),
  password: z.string().min(8, 'must be at least 8 characters').max(200),
  role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }),
  agent: id.optional(),
  teams: z.array(id).max(100).optional(),
});

export const userPatchBody = userBody.omit({ username: true }).partial();

export const sessionBody = z.object({
  username: z.string().min(1, 'is required').max(128),
  password: z.string().min(1, 'is required').max(200),
});

export const bannerBody = z.object({
  severity: z.enum(['info', 'warning', 'critical'], { error: 'must be info, warning or critical' }),
  message: z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters'),
  // null is the field left out (as for events' optional fields): all queues, no expiry.
  queues: z
    .array(id)
    .max(100)
    .nullish()
    .transform((v) => v ?? undefined),
  expiresAt: z
    .string()
    .refine((s) => Number.isFinite(Date.parse(s)), 'must be an ISO-8601 time')
    .nullish()
    .transform((v) => v ?? undefined),
});

/** A prompt's recipient: `agent:<id>` or `team:<id>`, the id under the same rule as an event's. */
const recipient = z.string({ error: 'must be agent:<id> or team:<id>' }).superRefine((value, ctx) => {
  const kind = value.slice(0, value.indexOf(':'));
  if (kind !== 'agent' && kind !== 'team') return ctx.addIssue({ code: 'custom', message: 'must be agent:<id> or team:<id>' });
  const problem = idProblem(value.slice(kind.length + 1));
  if (problem) ctx.addIssue({ code: 'custom', message: `the ${kind} id ${problem}` });
});

export const promptBody = z.object({
  to: recipient,
  text: z.string().trim().min(1, 'must not be empty').max(1000, 'must be at most 1000 characters'),
  priority: z.enum(['normal', 'high'], { error: 'must be normal or high' }).default('normal'),
});

/** "field: problem; field: problem" from a zod error. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
}
