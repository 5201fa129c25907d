// The call log of days past the event retention, kept compressed (Brotli) in one string per day: a sorted set costs
// ~250 bytes a call, the archive ~15–40. Records written after a day was archived stay in its sorted set and win.
import { createHash } from 'node:crypto';
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import type { RedisClient } from './connect.ts';
import { scanKeys } from './scan.ts';
import { escapeGlob, figureKeys, type StoreKeys } from './keys.ts';

/** [record, start] pairs, as in the sorted set. */
type LogMembers = [string, number][];

function packArchive(members: LogMembers): Buffer {
  const text = members.map(([member, score]) => `${score}\t${member}`).join('\n');
  return brotliCompressSync(Buffer.from(text, 'utf8'), { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } });
}

export function unpackArchive(blob: Buffer): LogMembers {
  const text = brotliDecompressSync(blob).toString('utf8');
  if (text === '') return [];
  // A record is JSON: a line break inside one is escaped, so lines split records.
  return text.split('\n').map((line) => {
    const tab = line.indexOf('\t');
    return [line.slice(tab + 1), Number(line.slice(0, tab))];
  });
}

/** The call id of a stored record (its first element). */
const idOf = (member: string) => (JSON.parse(member) as [string])[0];

export function createCallLogArchive(deps: { redis: RedisClient; keys: StoreKeys; ttlMs: number }) {
  const { redis, keys } = deps;
  const logKey = (day: string) => keys.figure(figureKeys.callLog(day));
  const archiveKey = (day: string) => keys.figure(figureKeys.callLogArchive(day));
  const cache = new Map<string, { sha: string; members: LogMembers }>();

  /** A day's archived records (none when it has no archive); the last few days read are kept unpacked. */
  async function read(day: string): Promise<{ sha: string; members: LogMembers }> {
    const blob = await redis.getBuffer(archiveKey(day));
    if (!blob) return { sha: '', members: [] };
    const sha = createHash('sha1').update(blob).digest('hex');
    const hit = cache.get(day);
    if (hit?.sha === sha) return hit;
    const read = { sha, members: unpackArchive(blob) };
    cache.set(day, read);
    if (cache.size > 16) cache.delete(cache.keys().next().value!);
    return read;
  }

  /** Moves a day's open records into its archive (merged: a record of the same call replaces the archived one). */
  async function compact(day: string): Promise<number> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const open = await redis.zrange(logKey(day), '0', '-1', 'WITHSCORES');
      if (open.length === 0) return 0;
      const archived = await read(day);
      const merged = new Map<string, [string, number]>(archived.members.map(([m, s]) => [idOf(m), [m, s]]));
      const moving: string[] = [];
      for (let i = 0; i < open.length; i += 2) {
        merged.set(idOf(open[i]!), [open[i]!, Number(open[i + 1])]);
        moving.push(open[i]!);
      }
      const members = [...merged.values()].sort((a, b) => a[1] - b[1]);
      const removed = await redis.compactCallLog(logKey(day), archiveKey(day), archived.sha, packArchive(members), deps.ttlMs, ...moving);
      if (removed >= 0) return removed;
    }
    return 0;
  }

  /** The days before `before` (YYYY-MM-DD) whose call log has open records. */
  async function openDaysBefore(before: string): Promise<string[]> {
    const days = new Set<string>();
    for await (const found of scanKeys(redis, `${escapeGlob(logKey(''))}*`)) {
      for (const key of found) {
        const day = key.slice(-10);
        if (/^\d{4}-\d{2}-\d{2}$/.test(day) && day < before) days.add(day);
      }
    }
    return [...days].sort();
  }

  return { read, compact, openDaysBefore };
}

export type CallLogArchive = ReturnType<typeof createCallLogArchive>;
