// Request bodies of the API (CONTRACT.md), validated on the server with these schemas.
import { z } from 'zod';
import { hasControlCharacter, identifier } from './events.ts';
import { ROLES } from './roles.ts';

/** Team, agent and queue ids follow the contract's id rules (v2): well-formed, 1–128 characters, no control characters. */
const id = identifier('id');

export const teamBody = z.object({
  name: z.string().min(1, 'must not be empty').max(200),
  agents: z.array(id).max(1000).default([]),
  /** The queues the team serves: their live figures come with the team's (an extension). */
  queues: z.array(id).max(100).optional(),
});

export const tokenBody = z.object({
  role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }),
  /** An agent id, a team id, or a display token's comma list of queue ids. */
  subject: z
    .string()
    .min(1)
    .max(1000)
    .refine((value) => value.isWellFormed() && !hasControlCharacter(value), 'must be well-formed text without control characters')
    .optional(),
  name: z.string().min(1, 'must not be empty').max(200),
});

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
  queues: z.array(id).max(100).optional(),
  expiresAt: z
    .string()
    .refine((s) => Number.isFinite(Date.parse(s)), 'must be an ISO-8601 time')
    .optional(),
});

export const promptBody = z.object({
  to: z.string().regex(/^(agent|team):.{1,128}$/, 'must be agent:<id> or team:<id>'),
  text: z.string().trim().min(1, 'must not be empty').max(1000, 'must be at most 1000 characters'),
  priority: z.enum(['normal', 'high'], { error: 'must be normal or high' }).default('normal'),
});

/** "field: problem; field: problem" from a zod error. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
}
