// The event format of CONTRACT.md "Sending events" (and its v2 rules): one zod schema, types inferred from it.
import { z } from 'zod';

/** The earliest instant an event may carry (CONTRACT v2). */
const MIN_EVENT_TS = Date.UTC(2000, 0, 1);
/** How far past the server's clock an event may be, by default (clock skew at the source). */
export const DEFAULT_MAX_FUTURE_MS = 15 * 60 * 1000;

/**
 * An instant in ISO-8601 with an offset, extended (2026-11-01T09:30:00.5-05:00) or basic (20261101T093000,5-0500):
 * date, hour, minute, optional second with an optional fraction (point or comma), and `Z` or an offset of ±hh[:mm].
 */
const isoExtended = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:Z|([+-])(\d{2})(?::?(\d{2}))?)$/i;
const isoBasic = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(?:(\d{2})(?:[.,](\d{1,9}))?)?(?:Z|([+-])(\d{2})(\d{2})?)$/i;

/**
 * Epoch ms of a strict ISO-8601 instant, or a message saying what is wrong. Strict: no calendar rollover
 * (2026-02-30 is refused where Date.parse would give 2 March), hours 0–23, offsets up to ±18:00. A fraction finer
 * than a millisecond is cut off.
 */
export function parseIsoInstant(text: string): number | string {
  const m = isoExtended.exec(text) ?? isoBasic.exec(text);
  if (!m) return 'must be ISO-8601 with an offset (e.g. 2026-11-01T09:30:00-05:00) or epoch milliseconds';
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const calendar = new Date(0);
  calendar.setUTCFullYear(year, month - 1, day);
  if (month < 1 || month > 12 || calendar.getUTCFullYear() !== year || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) {
    return `is not a real date (${m[1]}-${m[2]}-${m[3]})`;
  }
  if (hour > 23 || minute > 59 || second > 59) return `is not a real time of day (${m[4]}:${m[5]}${m[6] ? `:${m[6]}` : ''})`;
  const offsetMinutes = m[8] === undefined ? 0 : (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10] ?? '0'));
  if (Number(m[10] ?? '0') > 59 || Math.abs(offsetMinutes) > 18 * 60) return 'has an offset outside ±18:00';
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  return calendar.getTime() + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
}

/** What `ts` must be, said when it is neither. */
const TS_FORMAT = 'must be epoch milliseconds (an integer) or an ISO-8601 string with an offset';

/** What is wrong with a number or a string given as `ts`, or null (the window of accepted instants is checked later). */
function timestampProblem(value: number | string): string | null {
  if (typeof value === 'string') {
    const at = parseIsoInstant(value);
    return typeof at === 'string' ? at : null;
  }
  if (!Number.isInteger(value)) return 'must be epoch milliseconds as an integer (no fraction), or an ISO-8601 string';
  if (value < 0) return 'must not be before 1970';
  return value > 8.64e15 ? 'is out of range' : null;
}

// One union of the two types and one check after it: a union of refined branches answers a bare "Invalid input"
// when no branch takes the value (1.5 fails the integer branch as a type error).
const timestamp = z.union([z.number(), z.string()], { error: TS_FORMAT }).superRefine((value, ctx) => {
  const problem = timestampProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

// Control characters (C0, DEL and C1) have no place in an id; they would also let two ids collide in logs and keys.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Whether text holds a control character (C0, DEL or C1). */
export const hasControlCharacter = (value: string): boolean => CONTROL.test(value);

/** Checks an id (CONTRACT v2 "Ids"): a well-formed string of 1–128 characters without control characters. */
export function idProblem(value: string): string | null {
  if (value.length < 1 || value.length > 128) return 'must be 1 to 128 characters';
  if (!value.isWellFormed()) return 'must be well-formed Unicode (no unpaired surrogate)';
  if (CONTROL.test(value)) return 'must not contain control characters';
  return null;
}

/** The schema of an id field; `what` names it in the type error. */
export const identifier = (what: string) =>
  z.string({ error: `must be a string (${what})` }).superRefine((value, ctx) => {
    const problem = idProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** Free text kept with an event (caller, call type, reason): well-formed, at most 256 characters. */
const text = z
  .string({ error: 'must be a string' })
  .max(256, 'must be at most 256 characters')
  .refine((value) => value.isWellFormed(), 'must be well-formed Unicode (no unpaired surrogate)');

const base = {
  id: identifier('event id'),
  ts: timestamp,
};
const callId = identifier('call id');

export const AGENT_STATES = ['available', 'break', 'offline'] as const;

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
  'qa.evaluation',
] as const;

export const wallboardEvent = z.discriminatedUnion(
  'type',
  [
    z.object({
      ...base,
      type: z.literal('call.offered'),
      callId,
      queue: identifier('queue id'),
      caller: text.optional(),
      callType: text.optional(),
    }),
    z.object({ ...base, type: z.literal('call.answered'), callId, agent: identifier('agent id') }),
    z.object({ ...base, type: z.literal('call.abandoned'), callId }),
    z.object({ ...base, type: z.literal('call.timeout'), callId }),
    z.object({ ...base, type: z.literal('call.held'), callId }),
    z.object({ ...base, type: z.literal('call.resumed'), callId }),
    z.object({ ...base, type: z.literal('call.transferred'), callId, target: identifier('queue or agent id') }),
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
      agent: identifier('agent id'),
      state: z.enum(AGENT_STATES, { error: `must be one of ${AGENT_STATES.join(', ')}` }),
      reason: text.optional(),
    }),
    z.object({
      ...base,
      type: z.literal('qa.evaluation'),
      callId,
      agent: identifier('agent id'),
      score: z.number({ error: 'must be a number from 0 to 100' }).min(0, 'must be from 0 to 100').max(100, 'must be from 0 to 100'),
      form: text.optional(),
      evaluator: text.optional(),
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

interface ParseOptions {
  /** The server's clock, epoch ms (default Date.now()). */
  now?: number;
  /** How far past `now` a `ts` may be (default 15 minutes). */
  maxFutureMs?: number;
}

/** The optional fields of the event types: a `null` there is the field left out, as many JSON writers send it. */
const OPTIONAL_FIELDS = new Set(['caller', 'callType', 'resolved', 'reason', 'form', 'evaluator']);

/** The event without its optional fields that are `null` (own keys only; a copy, so the sender's object is not changed). */
function withoutNullOptionals(raw: object): object {
  const hasNull = (field: string) => Object.hasOwn(raw, field) && (raw as Record<string, unknown>)[field] === null;
  if (![...OPTIONAL_FIELDS].some(hasNull)) return raw; // the usual event: nothing to drop, no copy
  const copy: Record<string, unknown> = { ...raw };
  for (const field of OPTIONAL_FIELDS) if (Object.hasOwn(copy, field) && copy[field] === null) delete copy[field];
  return copy;
}

/** Validates one raw event; returns the stored form or a message naming the field. */
export function parseEvent(raw: unknown, index: number, options: ParseOptions = {}): { ok: true; event: StoredEvent } | { ok: false; error: EventError } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, error: { index, message: 'event must be a JSON object' } };
  }
  const result = wallboardEvent.safeParse(withoutNullOptionals(raw));
  if (!result.success) {
    const messages = result.error.issues.map((issue) => {
      const field = issue.path.length ? issue.path.join('.') : 'event';
      // Whatever the schema calls it (a type error, a union or an enum that nothing matched), an absent field is missing.
      const missing = issue.path.length === 1 && !Object.hasOwn(raw, String(issue.path[0]));
      if (!missing) return `${field}: ${issue.message}`;
      // A list of what the field may be still helps ("type: is required (one of call.offered, …)").
      return issue.message.startsWith('must be one of ') ? `${field}: is required (${issue.message.slice('must be '.length)})` : `${field}: is required`;
    });
    return { ok: false, error: { index, message: [...new Set(messages)].join('; ') } };
  }
  const event = result.data;
  const at = typeof event.ts === 'number' ? event.ts : (parseIsoInstant(event.ts) as number);
  const latest = (options.now ?? Date.now()) + (options.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS);
  if (at < MIN_EVENT_TS || at > latest) {
    const window = `${new Date(MIN_EVENT_TS).toISOString()} and ${new Date(latest).toISOString()} (the server's clock plus ${Math.round((latest - (options.now ?? Date.now())) / 60_000)} minutes)`;
    return { ok: false, error: { index, message: `ts: must be between ${window}` } };
  }
  return { ok: true, event: { ...event, at } };
}
