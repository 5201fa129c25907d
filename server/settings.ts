// The center's settings file: queues with their thresholds and targets, teams, and global targets.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AGENT_STATES } from '../shared/events.ts';
import { DEFAULT_QUEUE_THRESHOLDS, DEFAULT_SERVICE_LEVEL_TARGET, DEFAULT_TARGETS } from '../shared/targets.ts';

/** Automatic coaching prompts from live data; each fires at most once per cool-down and subject. */
const ruleSet = z.object({
  /** A call running longer than the AHT target: a prompt to its agent. */
  ahtOverrun: z.object({ enabled: z.boolean().default(true), cooldownMinutes: z.number().positive().default(15) }).prefault({}),
  /** A caller on hold longer than `seconds`: a prompt to the agent. */
  longHold: z
    .object({ enabled: z.boolean().default(true), seconds: z.number().positive().default(120), cooldownMinutes: z.number().positive().default(10) })
    .prefault({}),
  /** The agent's CSAT today below target, once it has `minSurveys` surveys. */
  csatBelow: z
    .object({ enabled: z.boolean().default(true), minSurveys: z.number().int().positive().default(5), cooldownMinutes: z.number().positive().default(120) })
    .prefault({}),
  /** The agent's FCR today below target, once it has `minWrapped` resolved-or-not wrap-ups. */
  fcrBelow: z
    .object({ enabled: z.boolean().default(true), minWrapped: z.number().int().positive().default(5), cooldownMinutes: z.number().positive().default(120) })
    .prefault({}),
  /** The agent's quality today (mean evaluation score) below target, once it has `minEvaluations` evaluations. */
  qaBelow: z
    .object({
      enabled: z.boolean().default(true),
      minEvaluations: z.number().int().positive().default(3),
      cooldownMinutes: z.number().positive().default(240),
    })
    .prefault({}),
  /** A queue's service level today below target, once `minOffered` calls came in: to leads and supervisors. */
  serviceLevelBelow: z
    .object({ enabled: z.boolean().default(true), minOffered: z.number().int().positive().default(10), cooldownMinutes: z.number().positive().default(30) })
    .prefault({}),
});
const rules = ruleSet.prefault({});
export type Rules = z.infer<typeof rules>;
const ruleOverrides = z.record(z.string(), z.record(z.string(), z.unknown())).optional();

const queue = z.object({
  id: z.string().min(1),
  name: z.string().min(1).optional(),
  /** Answered within this many seconds counts in service level (CONTRACT default 30). */
  serviceLevelSeconds: z.number().positive().default(DEFAULT_QUEUE_THRESHOLDS.serviceLevelSeconds),
  /** Service level target, 0..1. */
  serviceLevelTarget: z.number().min(0).max(1).default(DEFAULT_QUEUE_THRESHOLDS.serviceLevelTarget),
  /** Abandons quicker than this are short and left out of the abandon rate (default 5). */
  shortAbandonSeconds: z.number().min(0).default(DEFAULT_QUEUE_THRESHOLDS.shortAbandonSeconds),
  abandonRateTarget: z.number().min(0).max(1).default(DEFAULT_QUEUE_THRESHOLDS.abandonRateTarget),
  asaTargetSeconds: z.number().positive().default(DEFAULT_QUEUE_THRESHOLDS.asaTargetSeconds),
  ahtTargetSeconds: z.number().positive().default(DEFAULT_QUEUE_THRESHOLDS.ahtTargetSeconds),
  /** Overrides of `rules` for this queue, e.g. { "serviceLevelBelow": { "enabled": false } }. */
  rules: ruleOverrides,
});

const team = z.object({
  id: z.string().min(1),
  name: z.string().min(1).optional(),
  agents: z.array(z.string().min(1)).default([]),
  /** The queues the team serves, shown on its console. */
  queues: z.array(z.string().min(1)).optional(),
  /** Overrides of `rules` for this team's agents, e.g. { "longHold": { "seconds": 60 } }. */
  rules: ruleOverrides,
});

const httpUrl = z.string().refine((text) => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol), { message: 'must be an http(s) URL' });

/**
 * `{ "Lunch": "break", … }` kept as [name, state] pairs: an activity is named by the customer, and a record would
 * drop one called `__proto__`.
 */
const activityMap = z
  .preprocess(
    (raw) => (raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? Object.entries(raw) : raw),
    z
      .array(z.tuple([z.string().min(1), z.string()]), { error: 'must be an object of activity name → available, break or offline' })
      .superRefine((pairs, ctx) => {
        for (const [name, state] of pairs) {
          if (!isAgentState(state)) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(name)} must map to one of ${AGENT_STATES.join(', ')}` });
        }
      })
      .transform((pairs) => pairs as [string, AgentState][]),
  )
  .default([]);
type AgentState = (typeof AGENT_STATES)[number];
const isAgentState = (state: string): state is AgentState => (AGENT_STATES as readonly string[]).includes(state);

/** The Twilio TaskRouter feed (POST /api/v1/feeds/twilio); off until it has an auth token. */
const twilioFeed = z.object({
  /** The account's auth token, which signs every callback (X-Twilio-Signature); WALLBOARD_TWILIO_AUTH_TOKEN overrides it. */
  authToken: z.string().min(1).optional(),
  /** The EventCallbackUrl exactly as set on the workspace (the signed URL); unset: the URL as this server received it. */
  publicUrl: httpUrl.optional(),
  /** Prefix of the event ids (default "twilio"), to tell two workspaces apart. */
  source: z.string().min(1).max(64).optional(),
  /** Worker activity name → agent state, laid over Available/Unavailable/Break/Offline; an activity not named counts as break. */
  activities: activityMap,
});
export type TwilioFeedSettings = z.infer<typeof twilioFeed>;

const targets = z.object({
  csat: z.number().min(0).max(1).default(DEFAULT_TARGETS.csat),
  fcr: z.number().min(0).max(1).default(DEFAULT_TARGETS.fcr),
  ahtSeconds: z.number().positive().default(DEFAULT_TARGETS.ahtSeconds),
  asaSeconds: z.number().positive().default(DEFAULT_TARGETS.asaSeconds),
  qa: z.number().min(0).max(1).default(DEFAULT_TARGETS.qa),
});

const board = z.object({ id: z.string().min(1), name: z.string().min(1).optional(), queues: z.array(z.string().min(1)).min(1) });

export const settingsSchema = z.object({
  queues: z.array(queue).default([]),
  teams: z.array(team).default([]),
  /** The centre's service level target, 0..1: the wall's centre total and its chart (each queue has its own). */
  serviceLevelTarget: z.number().min(0).max(1).default(DEFAULT_SERVICE_LEVEL_TARGET),
  targets: targets.prefault({}),
  rules,
  /** Saved wall boards: `/wall?board=<id>` shows these queues. */
  boards: z.array(board).default([]),
  /** Overrides WALLBOARD_LIVE_CALL_TIMEOUT_MINUTES: a call with no event for this long leaves the live figures (0: never). */
  liveCallTimeoutMinutes: z.number().int().min(0).optional(),
  /** Feeds from telephony platforms that call the wallboard (the Asterisk importer is a separate process). */
  feeds: z.object({ twilio: twilioFeed.optional() }).prefault({}),
  /** Raise "live data delayed" when no event has arrived for this long. */
  delayedAfterSeconds: z.number().positive().default(120),
  /** The centre's locale (BCP 47, e.g. "en-GB", "es", "de"): numbers, times and the default language; WALLBOARD_LOCALE overrides it. */
  locale: z
    .string()
    .default('en')
    .refine((tag) => canonicalLocale(tag) !== null, { message: 'not a BCP 47 locale (e.g. en-GB, es, de)' }),
});

/** The canonical form of a BCP 47 tag, or null when it is not one. */
export function canonicalLocale(tag: string): string | null {
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? null;
  } catch {
    return null;
  }
}

export type Settings = z.infer<typeof settingsSchema>;
export type QueueSettings = z.infer<typeof queue>;

/** The rules with one team's or queue's overrides laid over them. */
export function rulesFor(settings: Settings, overrides: Record<string, Record<string, unknown>> | undefined): Rules {
  if (!overrides) return settings.rules;
  // Rule names come from a file: own keys only, on an object with no prototype.
  const base = settings.rules as Record<string, object>;
  const merged = Object.assign(Object.create(null) as Record<string, unknown>, base);
  for (const [name, value] of Object.entries(overrides)) merged[name] = { ...(Object.hasOwn(base, name) ? base[name] : {}), ...value };
  return rules.parse(merged);
}

export function defaultQueue(id: string): QueueSettings {
  return queue.parse({ id });
}

export function loadSettings(path: string | undefined): Settings {
  if (!path) return settingsSchema.parse({});
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`WALLBOARD_CONFIG: cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  const unknown = unknownField(raw);
  if (unknown) throw new Error(`WALLBOARD_CONFIG ${path}: ${unknown}`);
  const result = settingsSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`WALLBOARD_CONFIG ${path}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

type Level = [where: string, value: unknown, keys: string[]];

/** A field the file holds where none is known, as `queues.0: unknown field "x"`: a misspelt one would fall back to its default unseen. */
function unknownField(raw: unknown): string | undefined {
  if (!isRecord(raw)) return undefined;
  const each = (name: string, list: unknown, keys: string[]) => (Array.isArray(list) ? list.map((item, i): Level => [`${name}.${i}`, item, keys]) : []);
  const twilio = isRecord(raw.feeds) ? raw.feeds.twilio : undefined;
  const levels: Level[] = [
    ['(root)', raw, Object.keys(settingsSchema.shape)],
    ['targets', raw.targets, Object.keys(targets.shape)],
    ['rules', raw.rules, Object.keys(ruleSet.shape)],
    ['feeds', raw.feeds, ['twilio']],
    ['feeds.twilio', twilio, Object.keys(twilioFeed.shape)],
    ...each('queues', raw.queues, Object.keys(queue.shape)),
    ...each('teams', raw.teams, Object.keys(team.shape)),
    ...each('boards', raw.boards, Object.keys(board.shape)),
  ];
  for (const [where, value, keys] of levels) {
    const extra = isRecord(value) ? Object.keys(value).find((key) => !keys.includes(key)) : undefined;
    if (extra !== undefined) return `${where}: unknown field "${extra}" (known: ${keys.join(', ')})`;
  }
  return undefined;
}

/** Queue settings by id; an unknown queue gets the defaults. */
export function queueLookup(settings: Settings) {
  const byId = new Map(settings.queues.map((q) => [q.id, q]));
  return (id: string): QueueSettings => byId.get(id) ?? defaultQueue(id);
}
