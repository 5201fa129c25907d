// An independent reading of CONTRACT.md's event rules (v1 table and v2 "Ids, times and errors") and of its quality
// figures (v2 "More event types"), written from the page, not from shared/ or server/, so the fuzz and order suites can
// predict which items the server must refuse and why, and what the evaluations add up to.

/** 2000-01-01T00:00:00Z: the earliest instant an event may carry. */
export const EARLIEST = Date.UTC(2000, 0, 1);
/** How far past the server's clock a `ts` may be. */
const AHEAD_MS = 15 * 60_000;

/** Per type: its id fields (required), and its other fields with how each is checked. */
interface Shape {
  ids: string[];
  required?: Record<string, (value: unknown) => boolean>;
  optional?: Record<string, (value: unknown) => boolean>;
}

const isText = (value: unknown) => typeof value === 'string' && isWellFormed(value);
const isScore = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 5;
/** A qa.evaluation score: any JSON number from 0 to 100. */
const isQaScore = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 100;
const isState = (value: unknown) => value === 'available' || value === 'break' || value === 'offline';

// A Map, not an object literal: `type` may be `constructor` or `__proto__`.
const SHAPES = new Map<string, Shape>([
  ['call.offered', { ids: ['callId', 'queue'], optional: { caller: isText, callType: isText } }],
  ['call.answered', { ids: ['callId', 'agent'] }],
  ['call.abandoned', { ids: ['callId'] }],
  ['call.timeout', { ids: ['callId'] }],
  ['call.held', { ids: ['callId'] }],
  ['call.resumed', { ids: ['callId'] }],
  ['call.transferred', { ids: ['callId', 'target'] }],
  ['call.ended', { ids: ['callId'] }],
  ['call.wrapped', { ids: ['callId'], optional: { resolved: (value) => typeof value === 'boolean' } }],
  ['call.survey', { ids: ['callId'], required: { score: isScore } }],
  ['agent.state', { ids: ['agent'], required: { state: isState }, optional: { reason: isText } }],
  ['qa.evaluation', { ids: ['callId', 'agent'], required: { score: isQaScore }, optional: { form: isText, evaluator: isText } }],
]);

/** True when every surrogate in `text` is half of a pair. */
function isWellFormed(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xdc00 && unit <= 0xdfff) return false;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    }
  }
  return true;
}

/** An id: a well-formed string of 1–128 characters (UTF-16 units) without C0, DEL or C1 control characters. */
function isId(value: unknown): boolean {
  if (typeof value !== 'string' || value.length < 1 || value.length > 128 || !isWellFormed(value)) return false;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit <= 0x1f || (unit >= 0x7f && unit <= 0x9f)) return false;
  }
  return true;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

const daysInMonth = (year: number, month: number) =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

/** The instant a `ts` names, epoch ms, or null when it names none (wrong type, not whole ms, not a real date or time). */
export function instantOf(ts: unknown): number | null {
  if (typeof ts === 'number') return Number.isInteger(ts) ? ts : null;
  if (typeof ts !== 'string') return null;
  const m = ISO.exec(ts);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  const ms = Number((m[7] ?? '').padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return null;
  const offsetMinutes = m[8] ? (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10])) : 0;
  if (m[8] && (Number(m[10]) > 59 || Math.abs(offsetMinutes) > 18 * 60)) return null;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime() - offsetMinutes * 60_000;
}

/** The UTC day (the test server's time zone) of an instant. */
export const dayOf = (at: number) => new Date(at).toISOString().slice(0, 10);

/**
 * The fields a 400 may name for one item, empty when the item is valid: `event` for an item that is not an
 * object, `type` alone for an unknown type, else every field that is missing, mistyped or out of range.
 */
export function faultsOf(item: unknown, now: number): string[] {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return ['event'];
  const own = (field: string) => (Object.hasOwn(item, field) ? (item as Record<string, unknown>)[field] : undefined);
  const type = own('type');
  const shape = typeof type === 'string' ? SHAPES.get(type) : undefined;
  if (!shape) return ['type'];
  const faults: string[] = [];
  for (const field of ['id', ...shape.ids]) if (!isId(own(field))) faults.push(field);
  const at = instantOf(own('ts'));
  if (at === null || at < EARLIEST || at > now + AHEAD_MS) faults.push('ts');
  for (const [field, ok] of Object.entries(shape.required ?? {})) if (!ok(own(field))) faults.push(field);
  for (const [field, ok] of Object.entries(shape.optional ?? {})) if (Object.hasOwn(item, field) && !ok(own(field))) faults.push(field);
  return faults;
}

/** Evaluations of a scope on a day: how many, and the sum of their scores (points). */
interface QaTally {
  evaluations: number;
  points: number;
}

/**
 * The quality figures CONTRACT v2 "More event types" predicts from valid events, each counted once: per (callId,
 * agent) the evaluation with the greatest `ts` (a tie: the greater id) stands; it counts for `agent:<agent>`, for
 * `queue:<q>` where q is the queue of the call's `call.offered` with the greatest `ts` (none: no queue), and for
 * `all`, on the UTC day of its `ts`. Keyed by "<scope>@<day>". Teams sum their agents (see qaOfTeam).
 * ("The call's last queue" is read here as its latest offer; the product takes its last segment's queue, the same
 * thing for every call the suites generate: they never offer a call again while its segment is still waiting.)
 */
export function qaModel(events: readonly Record<string, unknown>[]): Map<string, QaTally> {
  const lastQueue = new Map<string, { at: number; queue: string }>();
  const standing = new Map<string, { at: number; id: string; agent: string; callId: string; score: number }>();
  for (const e of events) {
    const at = instantOf(e.ts)!;
    if (e.type === 'call.offered') {
      const prior = lastQueue.get(e.callId as string);
      if (!prior || at > prior.at) lastQueue.set(e.callId as string, { at, queue: e.queue as string });
    }
    if (e.type !== 'qa.evaluation') continue;
    const key = JSON.stringify([e.callId, e.agent]);
    const prior = standing.get(key);
    const id = e.id as string;
    if (!prior || at > prior.at || (at === prior.at && id > prior.id)) {
      standing.set(key, { at, id, agent: e.agent as string, callId: e.callId as string, score: e.score as number });
    }
  }
  const out = new Map<string, QaTally>();
  for (const { at, agent, callId, score } of standing.values()) {
    const queue = lastQueue.get(callId)?.queue;
    for (const scope of [`agent:${agent}`, 'all', ...(queue === undefined ? [] : [`queue:${queue}`])]) {
      const key = `${scope}@${dayOf(at)}`;
      const tally = out.get(key) ?? { evaluations: 0, points: 0 };
      out.set(key, { evaluations: tally.evaluations + 1, points: tally.points + score });
    }
  }
  return out;
}

/** What a scope should read on a day: `evaluations` and `qaScore` (mean score / 100, null with none). */
export function qaExpected(model: Map<string, QaTally>, scope: string, day: string): { evaluations: number; qaScore: number | null } {
  const tally = model.get(`${scope}@${day}`);
  return tally ? { evaluations: tally.evaluations, qaScore: tally.points / tally.evaluations / 100 } : { evaluations: 0, qaScore: null };
}

/** A team's quality figures on a day: the sum of its (distinct) agents'. */
export function qaOfTeam(model: Map<string, QaTally>, agents: readonly string[], day: string): { evaluations: number; qaScore: number | null } {
  const total: QaTally = { evaluations: 0, points: 0 };
  for (const agent of new Set(agents)) {
    const tally = model.get(`agent:${agent}@${day}`);
    if (tally) Object.assign(total, { evaluations: total.evaluations + tally.evaluations, points: total.points + tally.points });
  }
  return total.evaluations === 0 ? { evaluations: 0, qaScore: null } : { evaluations: total.evaluations, qaScore: total.points / total.evaluations / 100 };
}
