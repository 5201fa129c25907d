// The event format of CONTRACT.md "Sending events": one zod schema, types inferred from it.
import { z } from 'zod';

/** An instant: ISO-8601 with an offset, or epoch milliseconds. Parsed to epoch ms. */
const isoWithOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

export const timestamp = z.union([
  z
    .number({ error: 'must be epoch milliseconds or an ISO-8601 string with an offset' })
    .int('must be whole epoch milliseconds')
    .min(0, 'must not be before 1970')
    .max(8.64e15, 'is out of range'),
  z
    .string()
    .regex(isoWithOffset, 'must be ISO-8601 with an offset (e.g. 2026-11-01T09:30:00-05:00) or epoch milliseconds')
    .refine((s) => Number.isFinite(Date.parse(s)), 'is not a valid time'),
]);

const nonEmpty = (what: string) =>
  z
    .string({ error: `must be a string (${what})` })
    .min(1, 'must not be empty')
    .max(256, 'must be at most 256 characters');

const base = {
  id: z.string({ error: 'must be a string' }).min(1, 'must be 1 to 128 characters').max(128, 'must be 1 to 128 characters'),
  ts: timestamp,
};
const callId = nonEmpty('call id');

export const AGENT_STATES = ['available', 'break', 'offline'] as const;
export type AgentStateName = (typeof AGENT_STATES)[number];

export const EVENT_TYPES = [
  'call.offered',
  'call.answered',
  'call.abandoned',
  'call.timeout',
  'call.held',
  'call.resumed',
  'call.transferred',
  'call.ended',
  'call.wrapped',
  'call.survey',
  'agent.state',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const wallboardEvent = z.discriminatedUnion(
  'type',
  [
    z.object({
      ...base,
      type: z.literal('call.offered'),
      callId,
      queue: nonEmpty('queue id'),
      caller: z.string().max(256).optional(),
      callType: z.string().max(256).optional(),
    }),
    z.object({ ...base, type: z.literal('call.answered'), callId, agent: nonEmpty('agent id') }),
    z.object({ ...base, type: z.literal('call.abandoned'), callId }),
    z.object({ ...base, type: z.literal('call.timeout'), callId }),
    z.object({ ...base, type: z.literal('call.held'), callId }),
    z.object({ ...base, type: z.literal('call.resumed'), callId }),
    z.object({ ...base, type: z.literal('call.transferred'), callId, target: nonEmpty('queue or agent id') }),
    z.object({ ...base, type: z.literal('call.ended'), callId }),
    z.object({ ...base, type: z.literal('call.wrapped'), callId, resolved: z.boolean({ error: 'must be true or false' }).optional() }),
    z.object({
      ...base,
      type: z.literal('call.survey'),
      callId,
      score: z
        .number({ error: 'must be an integer from 1 to 5' })
        .int('must be an integer from 1 to 5')
        .min(1, 'must be from 1 to 5')
        .max(5, 'must be from 1 to 5'),
    }),
    z.object({
      ...base,
      type: z.literal('agent.state'),
      agent: nonEmpty('agent id'),
      state: z.enum(AGENT_STATES, { error: `must be one of ${AGENT_STATES.join(', ')}` }),
      reason: z.string().max(256).optional(),
    }),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? `must be one of ${EVENT_TYPES.join(', ')}` : undefined) },
);

export type WallboardEvent = z.infer<typeof wallboardEvent>;
export type CallEvent = Exclude<WallboardEvent, { type: 'agent.state' }>;
export type AgentStateEvent = Extract<WallboardEvent, { type: 'agent.state' }>;

/** An accepted event with its instant resolved to epoch milliseconds. */
export type StoredEvent = WallboardEvent & { at: number };

export interface EventError {
  index: number;
  message: string;
}

/** Validates one raw event; returns the stored form or a message naming the field. */
export function parseEvent(raw: unknown, index: number): { ok: true; event: StoredEvent } | { ok: false; error: EventError } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, error: { index, message: 'event must be a JSON object' } };
  }
  const result = wallboardEvent.safeParse(raw);
  if (!result.success) {
    const messages = result.error.issues.map((issue) => {
      const field = issue.path.length ? issue.path.join('.') : 'event';
      const missing = issue.code === 'invalid_type' && (raw as Record<string, unknown>)[String(issue.path[0])] === undefined;
      return missing ? `${field}: is required` : `${field}: ${issue.message}`;
    });
    return { ok: false, error: { index, message: [...new Set(messages)].join('; ') } };
  }
  const event = result.data;
  const at = typeof event.ts === 'number' ? event.ts : Date.parse(event.ts);
  return { ok: true, event: { ...event, at } };
}
