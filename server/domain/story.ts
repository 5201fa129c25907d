// A call's story rebuilt from its events in `ts` order: segments, agent parts, holds, outcome, surveys, evaluations.
//
// The ordering rule. Events apply in `ts` order (ties: type, then id), so the story is a function of the set of events,
// whatever order and repeats they arrive in. An event stamped before the event it follows (two systems' clocks disagree)
// waits for it and then applies at its own `ts`, so the duration between the two is below zero and counts as zero
// (CONTRACT v2):
// - an answer, abandon or timeout with no offer yet takes the next offer; one after a segment that can take none (it left
//   its queue unanswered, ended, or was transferred to a queue) begins the next segment when that one's offer is stamped later;
// - an end or transfer with no part open ends the next part answered;
// - a wrap-up with no ended part to wrap wraps the next part that `call.ended` ends;
// - a resume with no hold open closes its part's next hold.
// Waiting events of one kind are taken in `ts` order. With two parts open (the next agent's answer stamped before the
// transfer to it), a transfer ends the earlier part (the agent handing on) and an end the later (the agent last connected).
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

type StoryEvent = Exclude<TimedCallEvent, { type: 'qa.evaluation' }>;
type EventOf<T extends StoryEvent['type']> = Extract<StoryEvent, { type: T }>;
type PartEnd = EventOf<'call.ended' | 'call.transferred'>;

/** The story being told, and the events that wait for the one they follow (each list in `ts` order). */
interface Telling {
  story: CallStory;
  ends: PartEnd[];
  wraps: EventOf<'call.wrapped'>[];
  /** Open parts with a resume stamped before the hold it closes. */
  resumes: Set<AgentPart>;
  /** The target of each part ended by a transfer. */
  targets: Map<AgentPart, string>;
  /** Where the last offer of each queue, and of any, falls in `ts` order: whether one is still to come. */
  lastOffer: Map<string, number>;
  lastAnyOffer: number;
}

export function buildStory(events: readonly TimedCallEvent[]): CallStory {
  const inOrder = [...events].sort(byTime);
  const telling: Telling = {
    story: { segments: [], surveys: [], evaluations: new Map() },
    ends: [],
    wraps: [],
    resumes: new Set(),
    targets: new Map(),
    lastOffer: new Map(),
    lastAnyOffer: -1,
  };
  inOrder.forEach((event, index) => {
    if (event.type !== 'call.offered') return;
    telling.lastOffer.set(event.queue, index);
    telling.lastAnyOffer = index;
  });
  inOrder.forEach((event, index) => {
    // In byTime order (ts, then id), the last evaluation seen of an agent is its latest.
    if (event.type === 'qa.evaluation') telling.story.evaluations.set(event.agent, { id: event.id, at: event.at, score: event.score });
    else apply(telling, event, index);
  });
  return telling.story;
}

function apply(telling: Telling, event: StoryEvent, index: number): void {
  const { story } = telling;
  const current = story.segments.at(-1);
  switch (event.type) {
    case 'call.offered':
      // A segment begun by an answer, abandon or timeout stamped before its offer takes the offer (its wait counts as 0).
      if (current && current.offeredAt === undefined) Object.assign(current, { queue: event.queue, offeredAt: event.at });
      else if (!current || isOver(current)) story.segments.push({ queue: event.queue, offeredAt: event.at, parts: [] });
      return;
    case 'call.answered':
      return answer(telling, event, segmentFor(telling, index));
    case 'call.abandoned':
    case 'call.timeout': {
      const segment = segmentFor(telling, index);
      if (!segment.outcome) segment.outcome = { kind: event.type === 'call.abandoned' ? 'abandoned' : 'timeout', at: event.at };
      return;
    }
    case 'call.held':
    case 'call.resumed': {
      const part = lastPart(story, isOpen);
      if (part && event.type === 'call.held') hold(telling, part, event.at);
      else if (part) resume(telling, part, event.at);
      return;
    }
    case 'call.transferred':
    case 'call.ended': {
      const part = event.type === 'call.transferred' ? firstPart(story, isOpen) : lastPart(story, isOpen);
      if (part) endPart(telling, part, event);
      else telling.ends.push(event);
      return;
    }
    case 'call.wrapped': {
      const ended = lastPart(story, (p) => p.endKind === 'ended' && p.wrappedAt === undefined);
      if (ended) wrap(ended, event);
      else telling.wraps.push(event);
      return;
    }
    case 'call.survey':
      story.surveys.push({ at: event.at, score: event.score });
      return;
  }
}

/** After a transfer to an agent the new agent's answer is another part of the same segment. */
function answer(telling: Telling, event: EventOf<'call.answered'>, segment: Segment): void {
  if (segment.outcome && segment.outcome.kind !== 'answered') return;
  if (!segment.outcome) {
    segment.outcome = { kind: 'answered', at: event.at };
    segment.firstAgent = event.agent;
  }
  const part: AgentPart = { agent: event.agent, answeredAt: event.at, holdMs: 0 };
  segment.parts.push(part);
  const end = telling.ends.shift();
  if (end) endPart(telling, part, end);
}

/**
 * The segment an answer, abandon or timeout belongs to: the current one, unless it can take none (it left its queue
 * unanswered, its conversation ended, or it was transferred to a queue) and the offer of the next is stamped later.
 */
function segmentFor(telling: Telling, index: number): Segment {
  const current = telling.story.segments.at(-1);
  if (!current) return pushSegment(telling.story);
  if (current.offeredAt === undefined || !current.outcome) return current;
  const last = current.parts.at(-1);
  let offerToCome: number;
  if (current.outcome.kind !== 'answered' || last?.endKind === 'ended') offerToCome = telling.lastAnyOffer;
  else if (last?.endKind === 'transferred') offerToCome = telling.lastOffer.get(telling.targets.get(last)!) ?? -1;
  else return current;
  return offerToCome > index ? pushSegment(telling.story) : current;
}

function endPart(telling: Telling, part: AgentPart, event: PartEnd): void {
  closeHold(part, event.at);
  telling.resumes.delete(part);
  part.endAt = event.at;
  if (event.type === 'call.transferred') {
    part.endKind = 'transferred';
    telling.targets.set(part, event.target);
    return;
  }
  part.endKind = 'ended';
  const early = telling.wraps.shift();
  if (early) wrap(part, early);
}

function hold(telling: Telling, part: AgentPart, at: number): void {
  if (part.openHoldAt !== undefined) return;
  // A resume stamped before this hold closes it at once: a hold of 0.
  if (!telling.resumes.delete(part)) part.openHoldAt = at;
}

function resume(telling: Telling, part: AgentPart, at: number): void {
  if (part.openHoldAt !== undefined) closeHold(part, at);
  else telling.resumes.add(part);
}

/** A segment is over once it left the queue unanswered, or was answered and its last part has ended. */
function isOver(segment: Segment): boolean {
  if (!segment.outcome) return false;
  if (segment.outcome.kind !== 'answered') return true;
  const last = segment.parts.at(-1);
  return !last || last.endAt !== undefined;
}

function wrap(part: AgentPart, event: EventOf<'call.wrapped'>): void {
  part.wrappedAt = event.at;
  if (event.resolved !== undefined) part.resolved = event.resolved;
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

const isOpen = (part: AgentPart) => part.endAt === undefined;

function firstPart(story: CallStory, test: (part: AgentPart) => boolean): AgentPart | undefined {
  for (const segment of story.segments) for (const part of segment.parts) if (test(part)) return part;
  return undefined;
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
