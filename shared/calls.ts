// The call log of CONTRACT v2 "The past": one record per call, as GET /api/v1/calls answers it.

export const CALL_OUTCOMES = ['answered', 'abandoned', 'timeout', 'waiting'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** One visit of the call to a queue. */
export interface CallSegment {
  /** Null only for a segment whose offer has not arrived (an answer stamped before any offer). */
  queue: string | null;
  /** ISO-8601 with the centre's offset. */
  offeredAt: string | null;
  outcome: CallOutcome;
  /** answered / abandoned / timed out − offered, never below 0; null while waiting or without an offer. */
  waitMs: number | null;
}

/** One agent's part: from its answer to its end (`call.ended` or `call.transferred`) and wrap-up. */
export interface CallPart {
  agent: string;
  /** Index into `segments` of the segment the part belongs to (an extension). */
  segment: number;
  answeredAt: string;
  endedAt: string | null;
  wrappedAt: string | null;
  /** As the figures count them; null until the part is over (wrapped, or transferred). */
  talkMs: number | null;
  holdMs: number | null;
  wrapMs: number | null;
  transferredTo: string | null;
  /** The part's wrap-up `resolved` flag, when it was wrapped with one (an extension: FCR counts parts). */
  resolved: boolean | null;
}

export interface CallRecord {
  callId: string;
  caller: string | null;
  callType: string | null;
  /** When the call is placed in time (its first offer, else its first event): what `from`, `to` and the order use. */
  startedAt: string;
  segments: CallSegment[];
  parts: CallPart[];
  /** The score (1–5) of the call's last survey, or null. */
  survey: number | null;
  /** Every survey of the call in time order (an extension: the figures count each one). */
  surveys: { at: string; score: number }[];
  /** The `resolved` flag of the call's last wrap-up that carries one, or null. */
  resolved: boolean | null;
}

export interface CallPage {
  calls: CallRecord[];
  /** Pass as `cursor` for the next (older) page; absent on the last page. */
  next?: string;
}
