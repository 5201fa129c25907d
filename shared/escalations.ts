// Live escalations: an agent on a call asks for help, a lead takes it (or hands it on) and resolves it. Pure; both sides.

/** open: waiting for a lead; taken: a lead is on the way; resolved: the lead closed it; callEnded: the call ended first. */
export type EscalationStatus = 'open' | 'taken' | 'resolved' | 'callEnded';

/** The longest reason an agent may give ("one line"). */
export const MAX_REASON_LENGTH = 200;

/** A lead (or supervisor) as escalations name it: its principal key (unique) and its display name. */
export interface EscalationLead {
  key: string;
  name: string;
}

export interface Escalation {
  id: string;
  agent: string;
  /** The agent's teams when it asked: whose leads see it. */
  teams: string[];
  callId: string;
  /** The queue of the call's segment the agent is on (null: not known). */
  queue: string | null;
  reason?: string;
  status: EscalationStatus;
  raisedAt: string;
  /** Who is coming, and since when. */
  takenBy?: EscalationLead;
  takenAt?: string;
  /** Handed on: to whom, by whom, when (it is open again until the new lead takes it). */
  handedTo?: EscalationLead;
  handedBy?: string;
  handedAt?: string;
  closedAt?: string;
  /** Who resolved it (absent when the call ended first). */
  closedBy?: string;
  /** ms from raised to taken, and from raised to closed. */
  timeToTakeMs?: number;
  timeToResolveMs?: number;
}

/** Whether an escalation still needs someone. */
export const isLive = (e: Pick<Escalation, 'status'>): boolean => e.status === 'open' || e.status === 'taken';

export interface EscalationStats {
  count: number;
  open: number;
  /** Means in ms over those taken / closed; null when none. */
  meanTimeToTakeMs: number | null;
  meanTimeToResolveMs: number | null;
}

/** The counts a lead console and a report show, from a log. */
export function escalationStats(list: readonly Escalation[]): EscalationStats {
  const mean = (values: number[]) => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);
  const took = list.flatMap((e) => (e.timeToTakeMs === undefined ? [] : [e.timeToTakeMs]));
  const resolved = list.flatMap((e) => (e.timeToResolveMs === undefined ? [] : [e.timeToResolveMs]));
  return { count: list.length, open: list.filter(isLive).length, meanTimeToTakeMs: mean(took), meanTimeToResolveMs: mean(resolved) };
}
