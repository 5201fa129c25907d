// The reference model's reading of one call: its events in ts order told as segments and agent parts (CONTRACT.md,
// "Calls, segments and order"). Written from the contract text alone, never from the server's code.
import { DateTime } from 'luxon';

/** An event as the contract's ingest takes it (only the fields the figures read). */
export interface OracleEvent {
  id: string;
  type: string;
  ts: number | string;
  callId?: string;
  queue?: string;
  agent?: string;
  target?: string;
  resolved?: boolean;
  score?: number;
  state?: string;
  [field: string]: unknown;
}

export interface Hold {
  from: number;
  /** Absent: not resumed before the part ended; it lasts until that end. */
  to?: number;
}

/** One agent's part of a segment: from `call.answered` to `call.ended` or `call.transferred`. */
export interface AgentPart {
  agent: string;
  answeredAt: number;
  holds: Hold[];
  endedAt?: number;
  transferredAt?: number;
  wrappedAt?: number;
  resolved?: boolean;
}

export type SegmentOutcome = 'answered' | 'abandoned' | 'timeout';

/** The call's stay in one queue, from its `call.offered`. */
export interface Segment {
  queue: string;
  offeredAt: number;
  outcome?: SegmentOutcome;
  outcomeAt?: number;
  parts: AgentPart[];
}

export interface CallStory {
  callId: string;
  segments: Segment[];
  surveys: { ts: number; score: number }[];
  /** Its call.* events' ids and instants (the live-call timeout counts from the last). */
  stamps: { id: string; ts: number }[];
}

/** Epoch ms of a contract `ts` (epoch ms, or ISO-8601 with offset). */
export function instantOf(ts: number | string): number {
  return typeof ts === 'number' ? ts : DateTime.fromISO(ts, { setZone: true }).toMillis();
}

/** Each id once: a later event with an id already seen is a duplicate and changes nothing. */
export function withoutDuplicates(events: readonly OracleEvent[]): OracleEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => !seen.has(e.id) && seen.add(e.id));
}

/** The part that is answered and not yet ended or transferred, if any. */
export function isOpen(part: AgentPart): boolean {
  return part.endedAt === undefined && part.transferredAt === undefined;
}

function openPart(call: CallStory): AgentPart | undefined {
  const part = call.segments.at(-1)?.parts.at(-1);
  return part && isOpen(part) ? part : undefined;
}

function answer(segment: Segment | undefined, agent: string, ts: number): void {
  if (!segment) return;
  if (segment.outcome === undefined) {
    segment.outcome = 'answered';
    segment.outcomeAt = ts;
  }
  // A second answer in an answered segment is the new agent's part after a transfer to an agent.
  if (segment.outcome === 'answered') segment.parts.push({ agent, answeredAt: ts, holds: [] });
}

function leaveQueue(segment: Segment | undefined, outcome: SegmentOutcome, ts: number): void {
  if (!segment || segment.outcome !== undefined) return;
  segment.outcome = outcome;
  segment.outcomeAt = ts;
}

/** One event of the call, the story so far being every earlier one by ts. */
function tell(call: CallStory, e: OracleEvent, ts: number): void {
  const segment = call.segments.at(-1);
  const part = openPart(call);
  switch (e.type) {
    case 'call.offered':
      call.segments.push({ queue: e.queue!, offeredAt: ts, parts: [] });
      break;
    case 'call.answered':
      answer(segment, e.agent!, ts);
      break;
    case 'call.abandoned':
      leaveQueue(segment, 'abandoned', ts);
      break;
    case 'call.timeout':
      leaveQueue(segment, 'timeout', ts);
      break;
    case 'call.held':
      part?.holds.push({ from: ts });
      break;
    case 'call.resumed': {
      const hold = part?.holds.at(-1);
      if (hold && hold.to === undefined) hold.to = ts;
      break;
    }
    case 'call.transferred':
      if (part) part.transferredAt = ts;
      break;
    case 'call.ended':
      if (part) part.endedAt = ts;
      break;
    case 'call.wrapped': {
      // A wrap-up closes the latest ended part (a call may be offered again after it ended).
      const ended = call.segments.flatMap((s) => s.parts).findLast((p) => p.endedAt !== undefined && p.wrappedAt === undefined);
      if (ended) Object.assign(ended, { wrappedAt: ts, resolved: e.resolved });
      break;
    }
    case 'call.survey':
      call.surveys.push({ ts, score: e.score! });
      break;
  }
}

/** Every call's story, from events already without duplicates, each call's told in ts order. */
export function storiesOf(events: readonly OracleEvent[]): Map<string, CallStory> {
  const byCall = new Map<string, { e: OracleEvent; ts: number }[]>();
  for (const e of events) {
    if (!e.type.startsWith('call.') || e.callId === undefined) continue;
    const list = byCall.get(e.callId) ?? [];
    list.push({ e, ts: instantOf(e.ts) });
    byCall.set(e.callId, list);
  }
  const stories = new Map<string, CallStory>();
  for (const [callId, list] of byCall) {
    list.sort((a, b) => a.ts - b.ts);
    const call: CallStory = { callId, segments: [], surveys: [], stamps: list.map(({ e, ts }) => ({ id: e.id, ts })) };
    for (const { e, ts } of list) tell(call, e, ts);
    stories.set(callId, call);
  }
  return stories;
}

/** Hold of a part that is over: Σ(resumed − held), a hold not resumed lasting until the part's end; below zero is zero. */
export function holdOf(part: AgentPart, end: number): number {
  return part.holds.reduce((sum, h) => sum + Math.max(0, (h.to ?? end) - h.from), 0);
}
