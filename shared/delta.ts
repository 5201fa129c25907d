// The `metrics:delta` extension (README "Live updates"): a subscriber that asked for `delta: true` gets the whole
// figures object first, then only what changed since the last object or delta it was sent. `metricsDelta` makes one,
// `applyDelta` merges it; applyDelta(a, metricsDelta(a, b)) deep-equals b.
import type { AgentLive, IntervalFigures, Metrics } from './figures.ts';

/** The top-level fields of the figures other than the two lists sent as changes. */
type Plain = Omit<Metrics, 'intervals' | 'roster'>;

export interface MetricsDelta {
  scope: string;
  day: string;
  /** Top-level fields whose value changed (whole values: `agents`, `teamQueues` and `queues` are sent whole). */
  changed: Partial<Plain>;
  /** Top-level fields no longer present (`roster` too). */
  removed?: string[];
  /** The intervals that are new or changed, whole; the others are as before. */
  intervals: IntervalFigures[];
  /** The starts of intervals no longer present (none within a day as counters only grow; here so a merge is exact). */
  intervalsRemoved?: string[];
  /** The roster's changes, when the scope has one: entries new or changed (whole), agents gone. */
  roster?: { set: AgentLive[]; removed: string[] };
}

const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

/** What turns `before` into `after`, or null when they are of different scopes or days (send the whole object). */
export function metricsDelta(before: Metrics, after: Metrics): MetricsDelta | null {
  if (before.scope !== after.scope || before.day !== after.day) return null;
  const changed: Record<string, unknown> = {};
  const removed: string[] = [];
  for (const [key, value] of Object.entries(after)) {
    if (key === 'intervals' || key === 'roster') continue;
    if (!same((before as unknown as Record<string, unknown>)[key], value)) changed[key] = value;
  }
  for (const key of Object.keys(before)) if (key !== 'intervals' && !(key in after)) removed.push(key);
  const old = new Map(before.intervals.map((i) => [i.start, i]));
  const intervals = after.intervals.filter((i) => !same(old.get(i.start), i));
  const delta: MetricsDelta = { scope: after.scope, day: after.day, changed: changed as Partial<Plain>, intervals };
  if (removed.length > 0) delta.removed = removed;
  const starts = new Set(after.intervals.map((i) => i.start));
  const gone = before.intervals.filter((i) => !starts.has(i.start)).map((i) => i.start);
  if (gone.length > 0) delta.intervalsRemoved = gone;
  if (after.roster) delta.roster = rosterChanges(before.roster ?? [], after.roster ?? []);
  return delta;
}

function rosterChanges(before: AgentLive[], after: AgentLive[]): { set: AgentLive[]; removed: string[] } {
  const old = new Map(before.map((a) => [a.agent, a]));
  const now = new Set(after.map((a) => a.agent));
  return { set: after.filter((a) => !same(old.get(a.agent), a)), removed: before.filter((a) => !now.has(a.agent)).map((a) => a.agent) };
}

/** `base` with `delta` merged in; a new object (the base is not changed). */
export function applyDelta(base: Metrics, delta: MetricsDelta): Metrics {
  const next = { ...base, ...delta.changed } as Metrics;
  for (const key of delta.removed ?? []) delete (next as unknown as Record<string, unknown>)[key];
  if (delta.intervals.length > 0 || delta.intervalsRemoved) {
    const byStart = new Map(base.intervals.map((i) => [i.start, i]));
    for (const start of delta.intervalsRemoved ?? []) byStart.delete(start);
    for (const i of delta.intervals) byStart.set(i.start, i);
    // Intervals of one day all carry the day's offset (one at a DST change): their instants order them.
    next.intervals = [...byStart.values()].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  }
  if (delta.roster) {
    const byAgent = new Map((base.roster ?? []).map((a) => [a.agent, a]));
    for (const agent of delta.roster.removed) byAgent.delete(agent);
    for (const a of delta.roster.set) byAgent.set(a.agent, a);
    next.roster = [...byAgent.values()].sort((a, b) => (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0));
  }
  return next;
}
