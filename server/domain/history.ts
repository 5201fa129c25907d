// How long the past is kept (WALLBOARD_HISTORY_MONTHS): the first local day still kept, and the pruning job.
import { DateTime } from 'luxon';
import type { CallLogArchive } from '../redis/callLogArchive.ts';
import type { HistoryStore } from '../redis/historyStore.ts';
import type { Calendar } from './calendar.ts';
import type { Clock } from './clock.ts';

/** The first day kept when `months` months of history are kept on `today`: the same day of the month, `months` back. */
export function firstKeptDay(today: string, months: number): string {
  return DateTime.fromISO(today, { zone: 'utc' }).minus({ months }).toISODate()!;
}

/** Removes the days past the history (`months` 0 keeps everything). */
export function createHistoryPruner(deps: { store: HistoryStore; calendar: Calendar; clock: Clock; months: number }) {
  return async function prune(): Promise<number> {
    if (deps.months <= 0) return 0;
    return deps.store.dropDaysBefore(firstKeptDay(deps.calendar.today(deps.clock()), deps.months));
  };
}

/**
 * Archives (compresses) the call log of days whose calls' events are gone, so their records no longer change:
 * days more than `afterDays` before today. Returns how many records moved.
 */
export function createCallLogCompactor(deps: {
  archive: Pick<CallLogArchive, 'compact' | 'openDaysBefore'>;
  calendar: Calendar;
  clock: Clock;
  afterDays: number;
}) {
  return async function compact(): Promise<number> {
    const before = DateTime.fromISO(deps.calendar.today(deps.clock()), { zone: 'utc' }).minus({ days: deps.afterDays }).toISODate()!;
    let moved = 0;
    for (const day of await deps.archive.openDaysBefore(before)) moved += await deps.archive.compact(day);
    return moved;
  };
}
