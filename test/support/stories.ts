// fast-check arbitraries for in-contract call stories: segments, agent parts, holds, transfers to agents and queues,
// wrap-ups, surveys and evaluations, with each call's events at distinct ts in story order; plus agents' states.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import type { OracleEvent } from './oracle.ts';

type Outcome = 'answered' | 'abandoned' | 'timeout';

/** A queue stay: waits on the thresholds' edges are likelier than chance would make them. */
interface SegmentPlan {
  queue: string;
  waitMs: number;
  outcome: Outcome;
}

interface PartPlan {
  agent: string;
  /** Each hold: ms into the part (after the previous one), how long, whether it is resumed (one not resumed is the last). */
  holds: { afterMs: number; lastsMs: number; resumed: boolean }[];
  talkMs: number;
  /** How the part ends when another follows: a transfer to the next part's agent, or to a queue (a new segment). */
  exit: 'agent' | 'queue' | 'requeue';
  nextSegment: SegmentPlan;
  gapMs: number;
  wrapMs: number | null;
  resolved: boolean | null;
}

interface CallPlan {
  anchor: number;
  startMs: number;
  /** A call started this long before "now" (instead of near an anchor): likely still waiting, on a call or in wrap-up. */
  liveStartMs: number | null;
  first: SegmentPlan;
  parts: PartPlan[];
  survey: { afterMs: number; score: number; beforeWrap: boolean } | null;
  evaluations: { afterMs: number; pick: number; score: number }[];
  stamp: 'epoch' | 'utc' | 'local' | 'kolkata';
}

export interface World {
  queues: readonly string[];
  agents: readonly string[];
  /** Waits worth hitting exactly (the thresholds, and a millisecond either side). */
  edgeWaitsMs: readonly number[];
}

/** 1 ms up to `usual` mostly, sometimes up to `rare` (a talk, wrap-up or survey that spans intervals and midnight). */
const upTo = (usual: number, rare: number) =>
  fc.oneof({ arbitrary: fc.integer({ min: 1, max: usual }), weight: 5 }, { arbitrary: fc.integer({ min: 1, max: rare }), weight: 1 });

const segmentArb = (w: World) =>
  fc.record({
    queue: fc.constantFrom(...w.queues),
    waitMs: fc.oneof(fc.constantFrom(...w.edgeWaitsMs), fc.integer({ min: 1, max: 120_000 })),
    outcome: fc.constantFrom<Outcome>('answered', 'answered', 'answered', 'answered', 'abandoned', 'abandoned', 'timeout'),
  });

const partArb = (w: World) =>
  fc.record({
    agent: fc.constantFrom(...w.agents),
    holds: fc.array(fc.record({ afterMs: fc.integer({ min: 1, max: 60_000 }), lastsMs: fc.integer({ min: 1, max: 90_000 }), resumed: fc.boolean() }), {
      maxLength: 2,
    }),
    talkMs: upTo(600_000, 90 * 60_000),
    exit: fc.constantFrom<PartPlan['exit']>('agent', 'agent', 'queue', 'queue', 'requeue'),
    nextSegment: segmentArb(w),
    gapMs: fc.integer({ min: 1, max: 20_000 }),
    wrapMs: fc.option(upTo(240_000, 2 * 3_600_000), { freq: 6 }),
    resolved: fc.option(fc.boolean(), { freq: 3 }),
  });

export const callPlanArb = (w: World, anchors: number): fc.Arbitrary<CallPlan> =>
  fc.record({
    anchor: fc.nat(anchors - 1),
    // Mostly anywhere around the anchor; sometimes within moments of it, where a wait or a talk crosses the boundary.
    startMs: fc.oneof({ arbitrary: fc.integer({ min: -90 * 60_000, max: 90 * 60_000 }), weight: 3 }, fc.integer({ min: -180_000, max: 30_000 })),
    liveStartMs: fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 15 * 60_000 }), weight: 1 }),
    first: segmentArb(w),
    parts: fc.array(partArb(w), { minLength: 1, maxLength: 3 }),
    survey: fc.option(fc.record({ afterMs: upTo(600_000, 6 * 3_600_000), score: fc.integer({ min: 1, max: 5 }), beforeWrap: fc.boolean() }), {
      freq: 2,
    }),
    evaluations: fc.array(
      fc.record({
        afterMs: fc.integer({ min: 1, max: 4 * 3_600_000 }),
        /** 0–3: one of the call's agents; 4: an agent with no part in it. */
        pick: fc.nat(4),
        score: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constantFrom(87.5, 33.333333, 0.1)),
      }),
      { maxLength: 3 },
    ),
    stamp: fc.constantFrom<CallPlan['stamp']>('epoch', 'epoch', 'utc', 'local', 'kolkata'),
  });

/** `ts` as the plan says: epoch ms, or ISO-8601 in UTC, in the center's zone or in another offset. */
function stampOf(ms: number, stamp: CallPlan['stamp'], tz: string): number | string {
  if (stamp === 'epoch') return ms;
  const zone = stamp === 'utc' ? 'UTC' : stamp === 'local' ? tz : 'Asia/Kolkata';
  return DateTime.fromMillis(ms, { zone }).toISO()!;
}

/** The holds and the end of one part, from its answer at `t`; returns the time after its last event. */
function tellPart(part: PartPlan, t: number, push: (type: string, at: number, fields?: Record<string, unknown>) => void): number {
  for (const hold of part.holds) {
    t += hold.afterMs;
    push('call.held', t);
    t += hold.lastsMs;
    if (!hold.resumed) break;
    push('call.resumed', t);
  }
  return t + part.talkMs;
}

type Push = (type: string, at: number, fields?: Record<string, unknown>) => void;
type Stamped = OracleEvent & { ms: number };

/** Where the call starts: near an anchor, or (a live call) shortly before "now". */
function startOf(plan: CallPlan, anchors: readonly number[], now: number): number {
  return plan.liveStartMs === null ? anchors[plan.anchor]! + plan.startMs : now - plan.liveStartMs;
}

/**
 * A wrap-up of a part ended before the call was offered again comes after that offer, but before the next part ends (so
 * which part it closes is never in doubt), at a ts no other event of the call has.
 */
function lateWrap(events: Stamped[], endedAt: number, part: PartPlan, push: Push): void {
  if (part.wrapMs === null) return;
  const limit = events.find((e) => e.type === 'call.ended' && e.ms > endedAt)?.ms ?? Infinity;
  let at = Math.min(endedAt + part.wrapMs, limit - 1);
  while (at > endedAt && events.some((e) => e.ms === at)) at--;
  if (at > endedAt) push('call.wrapped', at, part.resolved === null ? {} : { resolved: part.resolved });
}

/** The segments and parts of a call from `t`; returns the end of the story and the ends of parts wrapped late. */
function tellSegments(plan: CallPlan, t: number, push: Push, last: () => string): { t: number; requeued: [number, PartPlan][] } {
  let segment = plan.first;
  const requeued: [number, PartPlan][] = [];
  push('call.offered', t, { queue: segment.queue });
  for (const [n, part] of plan.parts.entries()) {
    if (last() === 'call.offered') t += segment.waitMs;
    if (segment.outcome !== 'answered') {
      push(segment.outcome === 'abandoned' ? 'call.abandoned' : 'call.timeout', t);
      break;
    }
    push('call.answered', t, { agent: part.agent });
    t = tellPart(part, t, push);
    const next = plan.parts[n + 1];
    if (!next) {
      push('call.ended', t);
      const early = plan.survey?.beforeWrap && part.wrapMs !== null && part.wrapMs > 1;
      if (early) push('call.survey', t + 1 + (plan.survey!.afterMs % (part.wrapMs! - 1)), { score: plan.survey!.score });
      if (part.wrapMs !== null) push('call.wrapped', (t += part.wrapMs), part.resolved === null ? {} : { resolved: part.resolved });
      if (plan.survey && !early) push('call.survey', (t += plan.survey.afterMs), { score: plan.survey.score });
      break;
    }
    // A transfer to the next part's agent or to a queue; or the call ends and is offered again (same callId).
    if (part.exit === 'requeue') {
      push('call.ended', t);
      requeued.push([t, part]);
    } else push('call.transferred', t, { target: part.exit === 'agent' ? next.agent : part.nextSegment.queue });
    t += part.gapMs;
    if (part.exit === 'agent') continue;
    segment = part.nextSegment;
    push('call.offered', t, { queue: segment.queue });
  }
  return { t, requeued };
}

/** One call's events, each at a distinct ts, in story order but for wrap-ups after the call was offered again. */
export function callEvents(
  plan: CallPlan,
  callId: string,
  where: { anchors: readonly number[]; now: number; tz: string; agents: readonly string[] },
): Stamped[] {
  const events: Stamped[] = [];
  const push: Push = (type, at, fields = {}) =>
    events.push({ id: `${callId}-${events.length}`, type, ts: stampOf(at, plan.stamp, where.tz), ms: at, callId, ...fields });
  const told = tellSegments(plan, startOf(plan, where.anchors, where.now), push, () => events.at(-1)!.type);
  for (const [endedAt, part] of told.requeued) lateWrap(events, endedAt, part, push);
  const agents = events.filter((e) => e.type === 'call.answered').map((e) => e.agent!);
  if (agents.length === 0) return events.filter((e) => e.type !== 'call.survey');
  // Evaluations of the call's agents (a second of the same agent replaces the first).
  let t = Math.max(told.t, ...events.map((e) => e.ms));
  for (const e of plan.evaluations) {
    const agent = e.pick === 4 ? (where.agents.find((a) => !agents.includes(a)) ?? agents[0]!) : agents[e.pick % agents.length]!;
    push('qa.evaluation', (t += e.afterMs), { agent, score: e.score });
  }
  return events;
}

/** Agents' `agent.state` events around the anchors, distinct ts per agent. */
export const agentStatesArb = (w: World, anchors: readonly number[]) =>
  fc
    .array(
      fc.record({
        agent: fc.constantFrom(...w.agents),
        anchor: fc.nat(anchors.length - 1),
        offsetS: fc.integer({ min: -120 * 60, max: 120 * 60 }),
        state: fc.constantFrom('available', 'break', 'offline'),
        reason: fc.option(fc.constantFrom('lunch', 'shift end', 'meeting')),
      }),
      { maxLength: 12 },
    )
    .map((changes) =>
      changes.map((c, n) => {
        const ms = anchors[c.anchor]! + c.offsetS * 1000 + n;
        return { id: `state-${n}`, type: 'agent.state', ts: ms, ms, agent: c.agent, state: c.state, ...(c.reason ? { reason: c.reason } : {}) };
      }),
    );

/** Evaluations of calls the wallboard never saw (no queue): they count for the agent, its teams and `all`. */
export const looseEvaluationsArb = (w: World, anchors: readonly number[]) =>
  fc
    .array(
      fc.record({
        call: fc.nat(1),
        agent: fc.constantFrom(...w.agents),
        anchor: fc.nat(anchors.length - 1),
        offsetS: fc.integer({ min: -120 * 60, max: 120 * 60 }),
        score: fc.integer({ min: 0, max: 100 }),
      }),
      { maxLength: 3 },
    )
    .map((evaluations) =>
      evaluations.map((e, n) => {
        const ms = anchors[e.anchor]! + e.offsetS * 1000 + n;
        return { id: `loose-${n}`, type: 'qa.evaluation', ts: ms, ms, callId: `elsewhere-${e.call}`, agent: e.agent, score: e.score };
      }),
    );
