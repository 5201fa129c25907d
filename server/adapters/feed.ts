// What every feed from a telephony platform is: source units (log lines, callback payloads) in, contract events out.
import type { WallboardEvent } from '../../shared/events.ts';

/**
 * One platform's adapter. Pure: no I/O, no clock, no server state, so the same input always gives the same
 * events with the same ids, and a unit sent twice (a re-read file, a redelivered callback) is a duplicate.
 */
export interface FeedAdapter<Unit> {
  /** The platform's short name (`asterisk`, `twilio`); by default the prefix of every event id it makes. */
  readonly platform: string;
  /** Reads one raw unit of the source (a queue_log line, a callback's form body); null when it is not one (a header, a blank line). */
  read(raw: string): Unit | null;
  /**
   * The contract events a unit stands for, `[]` for what the figures do not use. Each id is derived from the
   * unit alone (its own id, or a hash of it). Throws FeedInputError, naming the field, on a unit it cannot map.
   */
  toEvents(unit: Unit): WallboardEvent[];
  /** The source's field an event field came from (`queue` → `TaskQueueName`), so a refusal names what the platform sent. */
  sourceField?(eventField: string): string | undefined;
}

/** A unit the adapter cannot map: `field` names the source's field at fault. */
export class FeedInputError extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

/** The events of many raw units, in order; units that read as nothing are skipped. */
export function feedEvents<Unit>(adapter: FeedAdapter<Unit>, raws: Iterable<string>): WallboardEvent[] {
  const events: WallboardEvent[] = [];
  for (const raw of raws) {
    const unit = adapter.read(raw);
    if (unit !== null) events.push(...adapter.toEvents(unit));
  }
  return events;
}
