// A call's record for the call log, built from the same story as its figures, and its compact stored form.
import type { CallOutcome, CallPart, CallRecord, CallSegment } from '../../shared/calls.ts';
import { byTime, type AgentPart, type CallStory, type TimedCallEvent } from './story.ts';

const OUTCOMES: CallOutcome[] = ['waiting', 'answered', 'abandoned', 'timeout'];
const END_KINDS = [undefined, 'ended', 'transferred'] as const;

/** A segment as stored: queue, offered, outcome code (index in OUTCOMES), outcome time; times relative to the record's start. */
type StoredSegment = [string | null, number | null, number, number | null];
/** A part as stored: segment, agent, answered, end, end kind (index in END_KINDS), wrapped, hold ms, transferred to, resolved. */
type StoredPart = [number, string, number, number | null, number, number | null, number, string | null, boolean | null];
/** A record as stored (a member of the day's call-log sorted set, scored by `startedAt`): short, as a month holds 300,000 of them. */
export type StoredRecord = [string, string | null, string | null, number, StoredSegment[], StoredPart[], [number, number][], boolean | null];

/** When a call is placed in time: its first offer, else its first event. */
export function startOf(story: CallStory, events: readonly TimedCallEvent[]): number {
  const offered = story.segments.find((s) => s.offeredAt !== undefined)?.offeredAt;
  return offered ?? Math.min(...events.map((e) => e.at));
}

/**
 * The stored record of a call: what the call log shows of its story. The caller and call type are those of the
 * earliest offer naming them; a transfer's target is found by its instant (a call's events have distinct `ts`).
 */
export function recordOf(callId: string, story: CallStory, events: readonly TimedCallEvent[], startedAt: number): StoredRecord {
  const inOrder = [...events].sort(byTime);
  const offers = inOrder.filter((e) => e.type === 'call.offered');
  const caller = offers.find((e) => e.caller !== undefined)?.caller ?? null;
  const callType = offers.find((e) => e.callType !== undefined)?.callType ?? null;
  const targets = new Map<number, string>();
  for (const e of inOrder) if (e.type === 'call.transferred' && !targets.has(e.at)) targets.set(e.at, e.target);
  const rel = (at: number | undefined) => (at === undefined ? null : at - startedAt);
  const segments: StoredSegment[] = story.segments.map((s) => [
    s.queue ?? null,
    rel(s.offeredAt),
    s.outcome ? OUTCOMES.indexOf(s.outcome.kind) : 0,
    rel(s.outcome?.at),
  ]);
  const parts: StoredPart[] = [];
  story.segments.forEach((s, index) => {
    for (const p of s.parts) parts.push(storedPart(index, p, rel, p.endKind === 'transferred' ? (targets.get(p.endAt!) ?? null) : null));
  });
  let resolved: boolean | null = null;
  for (const p of [...parts].sort((a, b) => (a[5] ?? 0) - (b[5] ?? 0))) if (p[5] !== null && p[8] !== null) resolved = p[8];
  const surveys = story.surveys.map((v): [number, number] => [v.at - startedAt, v.score]);
  return [callId, caller, callType, startedAt, segments, parts, surveys, resolved];
}

function storedPart(segment: number, p: AgentPart, rel: (at: number | undefined) => number | null, transferredTo: string | null): StoredPart {
  const kind = p.endKind === undefined ? 0 : END_KINDS.indexOf(p.endKind);
  const resolved = p.wrappedAt !== undefined && p.resolved !== undefined ? p.resolved : null;
  return [segment, p.agent, rel(p.answeredAt)!, rel(p.endAt), kind, rel(p.wrappedAt), Math.max(0, p.holdMs), transferredTo, resolved];
}

/** The call id, start and outcome codes of a stored record, cheap enough for filtering before conversion. */
export function parseStored(member: string): StoredRecord {
  return JSON.parse(member) as StoredRecord;
}

/** What a filter of the call log asks about a record: its queues, agents, caller and outcomes. */
export function recordFacts(r: StoredRecord): { queues: Set<string>; agents: Set<string>; caller: string | null; outcomes: Set<CallOutcome> } {
  const queues = new Set<string>();
  const outcomes = new Set<CallOutcome>();
  for (const [queue, , outcome] of r[4]) {
    if (queue !== null) queues.add(queue);
    outcomes.add(OUTCOMES[outcome] ?? 'waiting');
  }
  return { queues, agents: new Set(r[5].map((p) => p[1])), caller: r[1], outcomes };
}

/** The record as the API shows it; `format` writes an instant in the centre's zone. */
export function publicRecord(r: StoredRecord, format: (ms: number) => string): CallRecord {
  const [callId, caller, callType, startedAt, storedSegments, storedParts, storedSurveys, resolved] = r;
  const at = (rel: number | null) => (rel === null ? null : format(startedAt + rel));
  const segments: CallSegment[] = storedSegments.map(([queue, offered, code, outcomeAt]) => {
    const outcome = OUTCOMES[code] ?? 'waiting';
    const waitMs = outcome === 'waiting' || offered === null || outcomeAt === null ? null : Math.max(0, outcomeAt - offered);
    return { queue, offeredAt: at(offered), outcome, waitMs };
  });
  const parts: CallPart[] = storedParts.map(([segment, agent, answered, end, kind, wrapped, hold, transferredTo, partResolved]) => {
    const endKind = END_KINDS[kind];
    const over = endKind === 'transferred' || (endKind === 'ended' && wrapped !== null);
    const talkMs = end === null ? null : Math.max(0, end - answered - hold);
    const wrapMs = endKind === 'transferred' ? 0 : wrapped === null || end === null ? null : Math.max(0, wrapped - end);
    return {
      agent,
      segment,
      answeredAt: at(answered)!,
      endedAt: at(end),
      wrappedAt: at(wrapped),
      talkMs: over ? talkMs : null,
      holdMs: over ? hold : null,
      wrapMs: over ? wrapMs : null,
      transferredTo,
      resolved: partResolved,
    };
  });
  const surveys = storedSurveys.map(([rel, score]) => ({ at: format(startedAt + rel), score }));
  return { callId, caller, callType, startedAt: format(startedAt), segments, parts, survey: surveys.at(-1)?.score ?? null, surveys, resolved };
}
