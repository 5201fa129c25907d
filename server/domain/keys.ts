// Every Redis key name in one place. Logical names are what contributions hold; the store adds its prefix.

export interface LogicalKeys {
  intervals(scope: string, day: string): string;
  waiting(scope: string): string;
  onCall: string;
  inWrap: string;
  onHold: string;
  agentsSeen: string;
  queuesSeen: string;
  agentStates: string;
  expired(day: string): string;
}

/** Counter hashes start with this; they expire after the figure retention, live keys never. */
export const INTERVALS_PREFIX = 'i:';

export const liveKeys: LogicalKeys = {
  /** Hash: "<interval start ms>:<figure>" → count, for one scope and day; the day's figures are their sum. */
  intervals: (scope, day) => `${INTERVALS_PREFIX}${scope}:${day}`,
  /** Sorted set: waiting segments "<callId>#<segment>" scored by offered time. */
  waiting: (scope) => `w:${scope}`,
  /** Sorted set: open agent parts "<agent>\0<callId>#<segment>#<part>" scored by answered time. */
  onCall: 'live:oncall',
  /** Sorted set: open parts whose caller is on hold now, scored by when the hold began. */
  onHold: 'live:hold',
  /** Sorted set: parts in after-call work, scored by their end. */
  inWrap: 'live:wrap',
  /** Hash: agent → how many calls and state streams mention it. */
  agentsSeen: 'live:seen',
  /** Hash: queue → how many calls were offered to it; `all` sums the queues listed here. */
  queuesSeen: 'live:queues',
  /** Hash: agent → JSON { state, at, reason } of its latest agent.state. */
  agentStates: 'live:state',
  /** Sorted set: calls swept out of the live figures (no event for the live-call timeout), by their last event; per day of that event. */
  expired: (day) => `${INTERVALS_PREFIX}expired:${day}`,
};

/** Whether a logical key is one of the live sets a call sits in while waiting, on a call, on hold or in after-call work. */
export function isLiveCallKey(key: string): boolean {
  return key.startsWith('w:') || key === liveKeys.onCall || key === liveKeys.onHold || key === liveKeys.inWrap;
}

/** Keys the store itself owns (not part of contributions). */
export const storeKeys = {
  events: (entity: string) => `ev:${entity}`,
  meta: (entity: string) => `m:${entity}`,
  changes: 'changes',
  lastEventAt: 'live:lastEventAt',
  /** Hash: fingerprint → the figure rules (time zone, thresholds) contributions were computed under. */
  rules: 'rules',
};
