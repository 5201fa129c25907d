// The Socket.IO event maps, typed once and imported by the server and the client.
import type { ErrorCode } from './errors.ts';
import type { Escalation } from './escalations.ts';
import type { MetricsDelta } from './delta.ts';
import type { Metrics } from './figures.ts';
import type { EvaluationUpdate } from './qa.ts';

export type Severity = 'info' | 'warning' | 'critical';

export interface Banner {
  id: string;
  severity: Severity;
  message: string;
  queues?: string[];
  expiresAt?: string;
  createdAt: string;
  source: 'manual' | 'auto';
  createdBy?: string;
  /** Extension, on the automatic "live data delayed" banner: when the last event arrived (ISO). Screens show their
   * own words for automatic banners (by id) and read the data's age off this, never off `message`. */
  since?: string;
}

export type PromptStatus = 'sent' | 'delivered' | 'acknowledged' | 'replied';
export type Priority = 'normal' | 'high';

/** The automatic prompts' rules, whose words the screens have in every language. */
export const PROMPT_RULES = ['ahtOverrun', 'longHold', 'csatBelow', 'fcrBelow', 'qaBelow', 'serviceLevelBelow'] as const;
export type PromptRule = (typeof PROMPT_RULES)[number];

/** Extension, on an automatic prompt: which rule wrote it and its figures (durations in ms, ratios 0..1), so a screen
 * can say it in its own language; `text` keeps the server's English words. */
export interface PromptWords {
  rule: PromptRule;
  params: Record<string, string | number>;
}

/** What an agent's sockets receive. */
export interface PromptDelivery {
  id: string;
  from: string;
  text: string;
  priority: Priority;
  sentAt: string;
  words?: PromptWords;
  /** Extensions: where it is in its life, and the agent's reply. */
  status?: PromptStatus;
  reply?: string;
}

export interface PromptUpdate {
  id: string;
  status: PromptStatus;
  at: string;
  /** Extensions: which agent, and the reply text when status is "replied". */
  agent?: string;
  reply?: string;
  /** Extension: set on a "sent" update when the agent had no screen open to push it to (it goes out when one opens). */
  noScreen?: true;
}

/** A prompt in the feedback log, with each recipient's progress. */
export interface Recipient {
  status: PromptStatus;
  /** When a push found none of the agent's screens open; it stays "sent" until one opens. */
  noScreenAt?: string;
  deliveredAt?: string;
  acknowledgedAt?: string;
  repliedAt?: string;
  reply?: string;
}

export interface PromptRecord {
  id: string;
  from: string;
  fromRole: string;
  /** The sender's principal key (see shared/roles.ts), where its status updates go. */
  fromKey?: string;
  to: string;
  team?: string;
  text: string;
  priority: Priority;
  sentAt: string;
  auto: boolean;
  words?: PromptWords;
  recipients: Record<string, Recipient>;
}

/** A socket acknowledgement: success, or a refusal with its code and message (`error` too, as the contract names it). */
export type Ack = { ok: true } | Refusal;
export type Refusal = { ok: false; code: ErrorCode; message: string; error: string };

/** The refusal of a socket request: one shape for every handler. */
export function refusal(code: ErrorCode, message: string): Refusal {
  return { ok: false, code, message, error: message };
}

/**
 * Extension: a subscription the server ended because a new `subscribe` to its scope would now be refused (the reader
 * lost the right to it, or the scope is gone): the same code and words as that refusal.
 */
export interface SubscriptionEnded {
  scope: string;
  code: ErrorCode;
  message: string;
  error: string;
}

/** The answer to an escalation request: the escalation as it now stands, or a refusal. */
export type EscalationAck = { ok: true; escalation: Escalation } | Refusal;

export interface ServerToClientEvents {
  metrics: (metrics: Metrics) => void;
  /** Extension, to a subscriber that asked for `delta: true`: the changes since the figures it was last sent. */
  'metrics:delta': (delta: MetricsDelta) => void;
  /** Extension: the server ended a subscription (no more `metrics` for that scope); subscribing again is refused. */
  'subscription:ended': (ended: SubscriptionEnded) => void;
  banners: (banners: Banner[]) => void;
  prompt: (prompt: PromptDelivery) => void;
  'prompt:updated': (update: PromptUpdate) => void;
  /** A quality evaluation as it now stands (to its evaluator, supervisors, the agent's leads, and the agent once released). */
  'qa:evaluation': (update: EvaluationUpdate) => void;
  /** An escalation the socket may see, at once on connecting (the live ones) and at every change. */
  escalation: (escalation: Escalation) => void;
  /** The server's clock, so screens can correct theirs: epoch ms. */
  'clock:synced': (payload: { now: number }) => void;
}

export interface ClientToServerEvents {
  /** `delta: true` (an extension): after the whole object, changes come as `metrics:delta` (shared/delta.ts). */
  subscribe: (request: { scope: string; delta?: boolean }, ack: (answer: Ack) => void) => void;
  unsubscribe: (request: { scope: string }, ack?: (answer: Ack) => void) => void;
  'prompt:ack': (request: { id: string }, ack?: (answer: Ack) => void) => void;
  'prompt:reply': (request: { id: string; text: string }, ack?: (answer: Ack) => void) => void;
  /** An agent asks for help on its current call. */
  'escalation:raise': (request: { reason?: string }, ack?: (answer: EscalationAck) => void) => void;
  /** A lead of the agent's team (or a supervisor) is on its way. */
  'escalation:take': (request: { id: string }, ack?: (answer: EscalationAck) => void) => void;
  /** Hands it to another lead with a console open (`to` is a key from GET /api/v1/escalations/leads). */
  'escalation:handoff': (request: { id: string; to: string }, ack?: (answer: EscalationAck) => void) => void;
  /** The lead who took it (or a supervisor) closes it. */
  'escalation:resolve': (request: { id: string }, ack?: (answer: EscalationAck) => void) => void;
}
