// A call's story rebuilt from its events in `ts` order: segments, agent parts, holds, outcome, surveys, evaluations.
import type { CallEvent } from '../../shared/events.ts';

export type TimedCallEvent = CallEvent & { at: number };

export interface AgentPart {
  agent: string;
  answeredAt: number;
  /** When the part ended: `call.ended` or `call.transferred`. */
  endAt?: number;
  endKind?: 'ended' | 'transferred';
  holdMs: number;
  openHoldAt?: number;
  wrappedAt?: number;
  resolved?: boolean;
  /** A wrap-up stamped before the part's end: it applies when the part ends (a wrap of 0). */
  earlyWrap?: { at: number; resolved?: boolean };
}

export interface Segment {
  queue?: string;
  offeredAt?: number;
  outcome?: { kind: 'answered' | 'abandoned' | 'timeout'; at: number };
  /** The agent that answered the segment first. */
  firstAgent?: string;
  parts: AgentPart[];
}

/** A `qa.evaluation` as counted: the one that stands for its agent on this call. */
export interface Evaluation {
  id: string;
  at: number;
  score: number;
}

export interface CallStory {
  segments: Segment[];
  surveys: { at: number; score: number }[];
  /** Per agent evaluated, its latest evaluation of this call by `ts` (ties: the greater event id); earlier ones are replaced. */
  evaluations: Map<string, Evaluation>;
}

// Same-instant events are not expected (CONTRACT: distinct ts), but a stable order keeps the result deterministic.
const RANK: Record<CallEvent['type'], number> = {
  'call.offered': 0,
  'call.answered': 1,
  'call.abandoned': 1,
  'call.timeout': 1,
  'call.held': 2,
  'call.resumed': 3,
  'call.transferred': 4,
  'call.ended': 4,
  'call.wrapped': 5,
  'call.survey': 6,
  'qa.evaluation': 7,
};

export function byTime(a: TimedCallEvent, b: TimedCallEvent): number {
  return a.at - b.at || RANK[a.type] - RANK[b.type] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function buildStory(events: readonly TimedCallEvent[]): CallStory {
  const story: CallStory = { segments: [], surveys: [], evaluations: new Map() };
  for (const event of [...events].sort(byTime)) {
    // In byTime order (ts, then id), the last evaluation seen of an agent is its latest.
    if (event.type === 'qa.evaluation') story.evaluations.set(event.agent, { id: event.id, at: event.at, score: event.score });
    else apply(story, event);
  }
  return story;
}

function apply(story: CallStory, event: Exclude<TimedCallEvent, { type: 'qa.evaluation' }>): void {
  const current = story.segments.at(-1);
  switch (event.type) {
    case 'call.offered':
      // A segment begun by an answer, abandon or timeout stamped before its offer takes the offer (its wait counts as 0).
      if (current && current.offeredAt === undefined) Object.assign(current, { queue: event.queue, offeredAt: event.at });
      else if (!current || isOver(current)) story.segments.push({ queue: event.queue, offeredAt: event.at, parts: [] });
      return;
    case 'call.answered': {
      // After a transfer to an agent the new agent's answer is another part of the same segment.
      const segment = current ?? pushSegment(story);
      if (segment.outcome && segment.outcome.kind !== 'answered') return;
      if (!segment.outcome) {
        segment.outcome = { kind: 'answered', at: event.at };
        segment.firstAgent = event.agent;
      }
      segment.parts.push({ agent: event.agent, answeredAt: event.at, holdMs: 0 });
      return;
    }
    case 'call.abandoned':
    case 'call.timeout': {
      const segment = current ?? pushSegment(story);
      if (!segment.outcome) segment.outcome = { kind: event.type === 'call.abandoned' ? 'abandoned' : 'timeout', at: event.at };
      return;
    }
    case 'call.held': {
      const part = openPart(story);
      if (part && part.openHoldAt === undefined) part.openHoldAt = event.at;
      return;
    }
    case 'call.resumed': {
      const part = openPart(story);
      if (part) closeHold(part, event.at);
      return;
    }
    case 'call.transferred':
    case 'call.ended': {
      const part = openPart(story);
      if (!part) return;
      closeHold(part, event.at);
      part.endAt = event.at;
      part.endKind = event.type === 'call.ended' ? 'ended' : 'transferred';
      if (part.endKind === 'ended' && part.earlyWrap) wrap(part, part.earlyWrap.at, part.earlyWrap.resolved);
      return;
    }
    case 'call.wrapped': {
      const ended = lastPart(story, (p) => p.endKind === 'ended' && p.wrappedAt === undefined);
      if (ended) return wrap(ended, event.at, event.resolved);
      // Stamped before the end it follows: kept on the open part until that part ends.
      const open = openPart(story);
      if (open && !open.earlyWrap) open.earlyWrap = { at: event.at, ...(event.resolved !== undefined ? { resolved: event.resolved } : {}) };
      return;
    }
    case 'call.survey':
      story.surveys.push({ at: event.at, score: event.score });
      return;
  }
}

/** A segment is over once it left the queue unanswered, or was answered and its last part has ended. */
function isOver(segment: Segment): boolean {
  if (!segment.outcome) return false;
  if (segment.outcome.kind !== 'answered') return true;
  const last = segment.parts.at(-1);
  return !last || last.endAt !== undefined;
}

function wrap(part: AgentPart, at: number, resolved: boolean | undefined): void {
  part.wrappedAt = at;
  if (resolved !== undefined) part.resolved = resolved;
}

function pushSegment(story: CallStory): Segment {
  const segment: Segment = { parts: [] };
  story.segments.push(segment);
  return segment;
}

function closeHold(part: AgentPart, at: number): void {
  if (part.openHoldAt === undefined) return;
  part.holdMs += at - part.openHoldAt;
  part.openHoldAt = undefined;
}

function openPart(story: CallStory): AgentPart | undefined {
  return lastPart(story, (p) => p.endAt === undefined);
}

function lastPart(story: CallStory, test: (part: AgentPart) => boolean): AgentPart | undefined {
  for (let s = story.segments.length - 1; s >= 0; s--) {
    const parts = story.segments[s]!.parts;
    for (let p = parts.length - 1; p >= 0; p--) if (test(parts[p]!)) return parts[p];
  }
  return undefined;
}

/** The segment and part a survey belongs to: the call's last segment, and its last part overall. */
export function surveyTarget(story: CallStory): { queue?: string; agent?: string } {
  const segment = story.segments.at(-1);
  const part = lastPart(story, () => true);
  return { queue: segment?.queue, agent: part?.agent };
}
