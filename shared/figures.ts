// The figures of CONTRACT.md "Figures": counter names, the ratios derived from them, and the metrics object.

/**
 * Counters summed per scope, day and interval. `answerWaitMs` is the sum behind `asaMs`; `qaScoreMicros` is the
 * sum of the evaluations' scores in millionths of a point (whole numbers, so sums stay exact in any order).
 */
export const COUNTERS = [
  'offered',
  'answered',
  'answeredInSL',
  'abandoned',
  'shortAbandoned',
  'timedOut',
  'answerWaitMs',
  'handled',
  'talkMs',
  'holdMs',
  'wrapMs',
  'transfers',
  'surveys',
  'satisfied',
  'resolved',
  'unresolved',
  'evaluations',
  'qaScoreMicros',
] as const;
export type CounterName = (typeof COUNTERS)[number];
export type Counters = Record<CounterName, number>;

export interface Ratios {
  serviceLevel: number | null;
  abandonRate: number | null;
  asaMs: number | null;
  ahtMs: number | null;
  csat: number | null;
  fcr: number | null;
  /** Mean evaluation score / 100, in 0..1; null with no evaluation. */
  qaScore: number | null;
}
type DayFigures = Counters & Ratios;

export const AGENT_BUCKETS = ['available', 'onCall', 'wrap', 'break', 'offline'] as const;
export type AgentBucket = (typeof AGENT_BUCKETS)[number];
export type AgentCounts = Record<AgentBucket, number>;

/** One agent as the live figures see it: `since` is when it entered its state (ISO-8601), when known. */
export interface AgentLive {
  agent: string;
  state: AgentBucket;
  since: string | null;
  reason?: string;
}

export interface QueueSummary {
  queue: string;
  offered: number;
  answered: number;
  serviceLevel: number | null;
  abandonRate: number | null;
  asaMs: number | null;
  waiting: number;
  longestWaitSince: string | null;
}

export interface IntervalFigures extends DayFigures {
  /** The interval's start, ISO-8601 with the center's offset. */
  start: string;
}

export type Scope = 'all' | `queue:${string}` | `team:${string}` | `agent:${string}`;

/** The answer of GET /api/v1/metrics and the payload of the `metrics` socket event. */
export interface Metrics extends DayFigures {
  scope: string;
  day: string;
  tz: string;
  /** Live: segments waiting now (scopes `all` and `queue:`). */
  waiting?: number;
  /** Live: offered time of the oldest waiting segment, or null (scopes `all` and `queue:`). */
  longestWaitSince?: string | null;
  /** Live: agents by state (scopes `all`, `team:` and `agent:`). */
  agents?: AgentCounts;
  /** Live, an extension: each agent with its state and since when (scopes `team:` and `agent:`; `all` has only `agents`). */
  roster?: AgentLive[];
  intervals: IntervalFigures[];
  /** Scope `team:`, an extension: the queues the team serves (set on the team), so a lead sees them without reading `queue:` scopes. */
  teamQueues?: QueueSummary[];
  /** Scope `all`, an extension: every queue that has been offered a call. */
  queues?: string[];
  /** When the server read these figures (epoch ms), so clients can tell their age. */
  asOf: number;
  /** True when the metrics store was unreachable and these are the last figures read. */
  stale: boolean;
}

/** A `qa.evaluation` score (0–100 points) is counted in millionths of a point. */
export const QA_SCORE_UNIT = 1_000_000;

/** The counter amount of one score: whole millionths of a point. */
export const qaScoreMicros = (score: number): number => Math.round(score * QA_SCORE_UNIT);

export function emptyCounters(): Counters {
  return Object.fromEntries(COUNTERS.map((name) => [name, 0])) as Counters;
}

const ratio = (num: number, den: number): number | null => (den === 0 ? null : num / den);

export function ratios(c: Counters): Ratios {
  return {
    serviceLevel: ratio(c.answeredInSL, c.answered + c.abandoned - c.shortAbandoned + c.timedOut),
    abandonRate: ratio(c.abandoned - c.shortAbandoned, c.offered - c.shortAbandoned),
    asaMs: ratio(c.answerWaitMs, c.answered),
    ahtMs: ratio(c.talkMs + c.holdMs + c.wrapMs, c.handled),
    csat: ratio(c.satisfied, c.surveys),
    fcr: ratio(c.resolved, c.resolved + c.unresolved),
    // Points first, then the mean, then /100: the same steps as averaging the scores themselves.
    qaScore: c.evaluations === 0 ? null : c.qaScoreMicros / QA_SCORE_UNIT / c.evaluations / 100,
  };
}

export function withRatios(c: Counters): DayFigures {
  return { ...c, ...ratios(c) };
}

export function emptyAgentCounts(): AgentCounts {
  return { available: 0, onCall: 0, wrap: 0, break: 0, offline: 0 };
}

/** Colour of a figure against its target: higher-is-better unless `lowerIsBetter`. */
export type Rag = 'green' | 'amber' | 'red' | 'none';
export function rag(value: number | null, target: number, opts: { lowerIsBetter?: boolean; amberBand?: number } = {}): Rag {
  if (value === null) return 'none';
  const band = opts.amberBand ?? 0.05;
  if (opts.lowerIsBetter) {
    if (value <= target) return 'green';
    return value <= target * (1 + band * 4) ? 'amber' : 'red';
  }
  if (value >= target) return 'green';
  return value >= target - band ? 'amber' : 'red';
}
