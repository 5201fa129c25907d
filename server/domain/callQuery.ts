// The call log read: calls started in [from, to), newest first, filtered and a page at a time from an opaque cursor.
import { DateTime } from 'luxon';
import type { CallOutcome, CallPage } from '../../shared/calls.ts';
import type { CallLogArchive } from '../redis/callLogArchive.ts';
import type { CallLogReader } from '../redis/callLogReader.ts';
import type { Calendar } from './calendar.ts';
import { parseStored, publicRecord, recordFacts, type StoredRecord } from './callRecord.ts';

/** Where a page stopped: the last call looked at (its start and id). The next page starts strictly after it. */
export interface Position {
  at: number;
  id: string;
}

interface CallFilter {
  queue?: string;
  agent?: string;
  /** A team's agents: calls with a part by any of them. */
  teamAgents?: Set<string>;
  caller?: string;
  outcome?: CallOutcome;
}

export interface CallQuery extends CallFilter {
  /** Calls that started at or after `from` and before `to` (epoch ms). */
  from: number;
  to: number;
  cursor?: Position;
  limit: number;
  /** Whether the caller may see a call (the role rules), from its queues and agents. */
  visible: (facts: ReturnType<typeof recordFacts>) => boolean;
}

/** How many records one request looks at, at most: a rare filter over a long range answers in pages too. */
const SCAN_BUDGET = 5000;
const CHUNK = 200;

const encodeCursor = (p: Position): string => Buffer.from(JSON.stringify([p.at, p.id]), 'utf8').toString('base64url');

/** The position a cursor names, or null when it is not one this server gave. */
export function decodeCursor(text: string): Position | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [at, id] = value as unknown[];
    return typeof at === 'number' && Number.isFinite(at) && typeof id === 'string' ? { at, id } : null;
  } catch {
    return null;
  }
}

/** Latest first; calls that started in the same millisecond by id, highest first (so a position is total). */
const newestFirst = (a: StoredRecord, b: StoredRecord) => b[3] - a[3] || (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0);

export function createCallLog(deps: { reader: CallLogReader; archive: Pick<CallLogArchive, 'read'>; calendar: Calendar }) {
  const { reader, calendar } = deps;
  const parsed = new Map<string, { sha: string; records: StoredRecord[] }>();

  async function page(q: CallQuery): Promise<CallPage> {
    const ceiling = q.cursor && q.cursor.at < q.to ? q.cursor : undefined;
    const days = daysDown(calendar.dayOf((ceiling?.at ?? q.to) - (ceiling ? 0 : 1)), calendar.dayOf(q.from));
    const withCalls = await reader.daysWithCalls(days);
    const found: StoredRecord[] = [];
    let pos: Position | undefined = ceiling;
    let scanned = 0;
    for (const day of days.filter((d) => withCalls.has(d))) {
      for (;;) {
        const chunk = await chunkBefore(day, pos, q);
        if (chunk.length === 0) break;
        for (const record of chunk) {
          pos = { at: record[3], id: record[0] };
          scanned++;
          if (matches(record, q)) found.push(record);
          if (found.length === q.limit) return answer(found, pos);
        }
        if (scanned >= SCAN_BUDGET) return answer(found, pos);
      }
    }
    return answer(found);
  }

  function answer(records: StoredRecord[], next?: Position): CallPage {
    const calls = records.map((r) => publicRecord(r, (ms) => calendar.format(ms)));
    return next ? { calls, next: encodeCursor(next) } : { calls };
  }

  /** A day's archived records, latest first, each replaced by its open record when it has one (parsed once per archive). */
  async function archivedDay(day: string): Promise<StoredRecord[] | null> {
    const { sha, members } = await deps.archive.read(day);
    if (sha === '') return null;
    let hit = parsed.get(day);
    if (hit?.sha !== sha) {
      hit = { sha, records: members.map(([member]) => parseStored(member)) };
      parsed.set(day, hit);
      if (parsed.size > 16) parsed.delete(parsed.keys().next().value!);
    }
    const merged = new Map(hit.records.map((r) => [r[0], r]));
    for (const [member] of await reader.all(day)) {
      const record = parseStored(member);
      merged.set(record[0], record);
    }
    return [...merged.values()].sort(newestFirst);
  }

  /** The next records of a day strictly after `pos` in the log's order (every one of the last start included). */
  async function chunkBefore(day: string, pos: Position | undefined, q: CallQuery): Promise<StoredRecord[]> {
    const archived = await archivedDay(day);
    if (archived) {
      const after = (r: StoredRecord) => (pos ? r[3] < pos.at || (r[3] === pos.at && r[0] < pos.id) : r[3] < q.to);
      return archived.filter((r) => r[3] >= q.from && after(r)).slice(0, CHUNK);
    }
    const belowMs = pos?.at ?? q.to;
    const same = pos ? (await reader.startingAt(day, pos.at)).map(parseStored).filter((r) => r[0] < pos.id && r[3] >= q.from) : [];
    const older = await reader.below(day, belowMs, q.from, CHUNK);
    let records = older.map(([member]) => parseStored(member));
    if (older.length === CHUNK) {
      // The chunk may have cut the calls of its last start in two: take all of them.
      const last = older.at(-1)![1];
      records = [...records.filter((r) => r[3] !== last), ...(await reader.startingAt(day, last)).map(parseStored)];
    }
    return [...same, ...records].sort(newestFirst);
  }

  return { page };
}

export type CallLog = ReturnType<typeof createCallLog>;

function matches(record: StoredRecord, q: CallQuery): boolean {
  const facts = recordFacts(record);
  if (!q.visible(facts)) return false;
  if (q.queue !== undefined && !facts.queues.has(q.queue)) return false;
  if (q.agent !== undefined && !facts.agents.has(q.agent)) return false;
  if (q.teamAgents !== undefined && ![...facts.agents].some((a) => q.teamAgents!.has(a))) return false;
  if (q.caller !== undefined && facts.caller !== q.caller) return false;
  if (q.outcome !== undefined && !facts.outcomes.has(q.outcome)) return false;
  return true;
}

/** The local days from `first` down to `last`, both included (none when `first` is before `last`). */
export function daysDown(first: string, last: string): string[] {
  const out: string[] = [];
  for (let d = DateTime.fromISO(first, { zone: 'utc' }); d.toISODate()! >= last; d = d.minus({ days: 1 })) out.push(d.toISODate()!);
  return out;
}
