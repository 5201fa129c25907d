// The call log's writes: each call's entry (its stored record in the sorted set of its day), and the change between two.
import type { Operation } from '../redis/entityStore.ts';
import { figureKeys } from '../redis/keys.ts';
import type { Calendar } from './calendar.ts';
import { recordOf, startOf } from './callRecord.ts';
import { buildStory, type TimedCallEvent } from './story.ts';

/** [key, member, score]: the call's record in the log of the day it started, scored by its start. */
export type LogEntry = [string, string, number];

/** A call's entry, from the same story as its figures. */
export function callLogEntry(callId: string, events: readonly TimedCallEvent[], calendar: Calendar): LogEntry {
  const story = buildStory(events);
  const startedAt = startOf(story, events);
  return [figureKeys.callLog(calendar.dayOf(startedAt)), JSON.stringify(recordOf(callId, story, events, startedAt)), startedAt];
}

/** The operations that replace entry `before` by `after` (none when equal: the member carries the start, its score). */
export function logChange(before: LogEntry | null, after: LogEntry | null): Operation[] {
  if (before && after && before[0] === after[0] && before[1] === after[1]) return [];
  const ops: Operation[] = [];
  if (before) ops.push({ kind: 'removeMember', key: before[0], field: before[1], value: '' });
  if (after) ops.push({ kind: 'addMember', key: after[0], field: after[1], value: after[2] });
  return ops;
}
