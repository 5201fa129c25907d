// The self-audit: recomputes the figures from the stored events and compares them with the counters.
import type { CallLogArchive } from '../redis/callLogArchive.ts';
import type { FigureReader } from '../redis/figureReader.ts';
import { figureKeys, INTERVALS_PREFIX } from '../redis/keys.ts';
import type { LogEntry } from './callLog.ts';
import type { Contribution } from './contribution.ts';
import type { Ingest } from './ingest.ts';
import { bucketOf } from '../redis/buckets.ts';

export interface Difference {
  /** The scope the key belongs to (`all`, `queue:…`, `agent:…`), or `live` for the agents' live sets. */
  scope: string;
  key: string;
  field: string;
  stored: string | null;
  expected: string | null;
}

export interface AuditReport {
  day: string;
  ok: boolean;
  /** How many calls and agents were recomputed. */
  entities: number;
  /** Keys compared, and the differences found (at most 1,000 listed; `differenceCount` counts them all). */
  keysCompared: number;
  differenceCount: number;
  differences: Difference[];
  /** Calls whose last event is on this day that the live-call timeout took out of the live figures. */
  expiredCalls: { callId: string; lastEventAt: string }[];
}

/** Expected content by logical key: hash fields (counters and values) or sorted-set members with scores. */
type Expected = Map<string, Map<string, string>>;

const DIFFERENCES_LISTED = 1000;

/** The live hashes and sets compared whether or not any stored event should write them (extras are differences). */
const LIVE_HASHES = [
  figureKeys.agentsSeen,
  figureKeys.queuesSeen,
  figureKeys.agentStates,
  figureKeys.onCallParts,
  figureKeys.wrapParts,
  figureKeys.agentBuckets,
  figureKeys.agentCounts,
];
const LIVE_SETS = [figureKeys.onCall, figureKeys.onHold, figureKeys.inWrap];

/** What every entity's contribution adds up to: the day's counters, and the live hashes and sets. */
class Expectation {
  readonly dayKeys: Expected = new Map();
  readonly liveHashes: Expected = new Map();
  readonly liveSets: Expected = new Map();
  entities = 0;

  constructor(private readonly day: string) {}

  get expiredKey(): string {
    return figureKeys.expired(this.day);
  }

  get callLogKey(): string {
    return figureKeys.callLog(this.day);
  }

  /** A call's entry in the call log: compared for the audited day only, like its counters. */
  addLog(entry: LogEntry | null): void {
    if (entry && entry[0] === this.callLogKey) put(this.dayKeys, entry[0], entry[1], String(entry[2]));
  }

  add({ counters, members, values }: Contribution): void {
    this.entities++;
    for (const [key, fields] of counters) {
      const into = key.startsWith(INTERVALS_PREFIX) ? (key.endsWith(`:${this.day}`) ? this.dayKeys : undefined) : this.liveHashes;
      if (into) for (const [field, n] of fields) put(into, key, field, String(Number(into.get(key)?.get(field) ?? 0) + n));
    }
    for (const [key, member, score] of members) {
      if (key === this.expiredKey) put(this.dayKeys, key, member, String(score));
      else if (!key.startsWith(INTERVALS_PREFIX)) put(this.liveSets, key, member, String(score));
    }
    for (const [key, field, value] of values) put(this.liveHashes, key, field, value);
  }

  /** Counters that net to zero are not stored (the script drops them). */
  dropZeros(): void {
    for (const fields of [...this.dayKeys.values(), ...this.liveHashes.values()]) for (const [field, value] of fields) if (value === '0') fields.delete(field);
  }

  /** Each seen agent's bucket and the counts by bucket, from the expected hashes they are computed from. */
  addBuckets(): void {
    const hash = (key: string) => this.liveHashes.get(key) ?? new Map<string, string>();
    const [seen, states, open, wrap] = [figureKeys.agentsSeen, figureKeys.agentStates, figureKeys.onCallParts, figureKeys.wrapParts].map(hash);
    for (const [agent, count] of seen!) {
      const bucket = bucketOf({ seen: Number(count), open: Number(open!.get(agent) ?? 0), wrap: Number(wrap!.get(agent) ?? 0), latest: states!.get(agent) });
      if (bucket === null) continue;
      put(this.liveHashes, figureKeys.agentBuckets, agent, bucket);
      const counts = hash(figureKeys.agentCounts);
      put(this.liveHashes, figureKeys.agentCounts, bucket, String(Number(counts.get(bucket) ?? 0) + 1));
    }
  }
}

/**
 * Compares every counter of `day` and every live set with a recomputation from the stored events.
 * Run it while no events arrive (a batch landing mid-audit can show as a difference that is not one).
 */
export async function auditDay(deps: { ingest: Ingest; figures: FigureReader; archive?: Pick<CallLogArchive, 'read'> }, day: string): Promise<AuditReport> {
  const expected = new Expectation(day);
  for await (const { contribution, log } of deps.ingest.recount()) {
    expected.add(contribution);
    expected.addLog(log);
  }
  expected.dropZeros();
  expected.addBuckets();

  // Keys that exist in Redis but that nothing should have written count too.
  const { expiredKey, callLogKey } = expected;
  const daySets = new Set([expiredKey, callLogKey]);
  // The archived call log (a compressed string) holds records whose events are gone: nothing to recompute it from.
  const archiveKey = figureKeys.callLogArchive(day);
  const storedDayKeys = (await deps.figures.scan(`${INTERVALS_PREFIX}*:${day}`)).filter((k) => !daySets.has(k) && k !== archiveKey);
  const hashKeys = [...new Set([...expected.dayKeys.keys(), ...storedDayKeys, ...expected.liveHashes.keys(), ...LIVE_HASHES])].filter((k) => !daySets.has(k));
  const storedLiveSets = await Promise.all(['w:*', `${figureKeys.onCallOf('')}*`, `${figureKeys.inWrapOf('')}*`].map((glob) => deps.figures.scan(glob)));
  const setKeys = [...new Set([...expected.liveSets.keys(), ...storedLiveSets.flat(), ...LIVE_SETS, expiredKey, callLogKey])];
  const stored = await deps.figures.read(hashKeys, setKeys);
  // An archived day's call log is its archive with the records written since laid over it (as the call log reads it).
  const archived = deps.archive ? (await deps.archive.read(day)).members : [];
  if (archived.length > 0) {
    const log = stored.sets[setKeys.indexOf(callLogKey)]!;
    const open = new Set([...log.keys()].map(callIdOf));
    for (const [member, score] of archived) if (!open.has(callIdOf(member))) log.set(member, String(score));
  }

  const differences: Difference[] = [];
  hashKeys.forEach((key, i) => compare(key, stored.hashes[i]!, expected.dayKeys.get(key) ?? expected.liveHashes.get(key), day, differences));
  setKeys.forEach((key, i) => compare(key, stored.sets[i]!, daySets.has(key) ? expected.dayKeys.get(key) : expected.liveSets.get(key), day, differences));

  const expiredCalls = [...(expected.dayKeys.get(expiredKey) ?? new Map<string, string>())]
    .map(([callId, at]) => ({ callId, lastEventAt: new Date(Number(at)).toISOString() }))
    .sort((a, b) => (a.lastEventAt < b.lastEventAt ? -1 : 1));
  return {
    day,
    ok: differences.length === 0,
    entities: expected.entities,
    keysCompared: hashKeys.length + setKeys.length,
    differenceCount: differences.length,
    differences: differences.slice(0, DIFFERENCES_LISTED),
    expiredCalls,
  };
}

const callIdOf = (record: string) => (JSON.parse(record) as [string])[0];

function put(into: Expected, key: string, field: string, value: string): void {
  let fields = into.get(key);
  if (!fields) into.set(key, (fields = new Map()));
  fields.set(field, value);
}

function compare(key: string, stored: Map<string, string>, expected: Map<string, string> | undefined, day: string, out: Difference[]): void {
  const want = expected ?? new Map<string, string>();
  for (const field of new Set([...stored.keys(), ...want.keys()])) {
    const s = stored.get(field) ?? null;
    const e = want.get(field) ?? null;
    if (s !== e && !(s !== null && e !== null && Number(s) === Number(e))) out.push({ scope: scopeOf(key, day), key, field, stored: s, expected: e });
  }
}

/** The scope a key's figures belong to. */
function scopeOf(key: string, day: string): string {
  if (key.startsWith(INTERVALS_PREFIX) && key.endsWith(`:${day}`)) return key.slice(INTERVALS_PREFIX.length, -(day.length + 1));
  if (key.startsWith('w:')) return key.slice(2);
  return 'live';
}
