// The default targets and queue thresholds, in one place: what a screen assumes when the settings name none.

/** The centre's targets for agent and team figures (settings `targets`). */
export interface Targets {
  csat: number;
  fcr: number;
  ahtSeconds: number;
  asaSeconds: number;
  /** Quality: the mean qa.evaluation score / 100 (`qaScore`), 0..1. */
  qa: number;
}

export const DEFAULT_TARGETS: Readonly<Targets> = { csat: 0.85, fcr: 0.75, ahtSeconds: 300, asaSeconds: 30, qa: 0.9 };

/** The centre's own service level target (settings `serviceLevelTarget`), 0..1: the wall's centre total is coloured against it. */
export const DEFAULT_SERVICE_LEVEL_TARGET = 0.8;

/** One queue's service-level threshold and targets (settings `queues[]`). */
export interface QueueThresholds {
  /** Answered within this many seconds counts in service level (CONTRACT default 30). */
  serviceLevelSeconds: number;
  /** Service level target, 0..1. */
  serviceLevelTarget: number;
  /** Abandons quicker than this are short and left out of the abandon rate (CONTRACT default 5). */
  shortAbandonSeconds: number;
  abandonRateTarget: number;
  asaTargetSeconds: number;
  ahtTargetSeconds: number;
}

export const DEFAULT_QUEUE_THRESHOLDS: Readonly<QueueThresholds> = {
  serviceLevelSeconds: 30,
  serviceLevelTarget: DEFAULT_SERVICE_LEVEL_TARGET,
  shortAbandonSeconds: 5,
  abandonRateTarget: 0.05,
  asaTargetSeconds: 30,
  ahtTargetSeconds: 300,
};
