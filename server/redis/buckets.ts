// An agent's live state bucket, from the four hashes the batch script keeps per agent: the rule of CONTRACT's
// "agents" counts. lua/applyBatch.lua applies the same rule as it writes; the audit and the layout move use this.
import type { AgentBucket } from '../../shared/figures.ts';

interface BucketSources {
  /** How many calls and state streams mention the agent (live:seen). */
  seen: number;
  /** Its open parts (answered, not ended or transferred). */
  open: number;
  /** Its parts in after-call work. */
  wrap: number;
  /** The JSON { state, at, reason } of its latest agent.state, if any. */
  latest: string | undefined;
}

/** onCall, else wrap, else the latest agent.state, else available; null for an agent not seen (not counted). */
export function bucketOf({ seen, open, wrap, latest }: BucketSources): AgentBucket | null {
  if (!(seen > 0)) return null;
  if (open > 0) return 'onCall';
  if (wrap > 0) return 'wrap';
  return latest === undefined ? 'available' : (JSON.parse(latest) as { state: AgentBucket }).state;
}
