// Reads a growing queue_log in bounded batches of whole lines from a byte offset, and tells whether the
// bytes before that offset are still the ones that were read (they are not after a copy-truncate or rewrite).
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

/** How far a file has been read: the byte after the last whole line, and a fingerprint of that line. */
export interface LinePosition {
  offset: number;
  /** Lines before `offset` (so the next line is `line + 1`). */
  line: number;
  /** Where the fingerprinted bytes start: the last line's start, or its last 4 KB for a longer line. */
  anchorStart: number;
  /** sha256 of the bytes from `anchorStart` to `offset`, newline included; '' at the start of a file. */
  anchorHash: string;
}

export interface QueueLogText {
  /** 1-based line number in the file. */
  number: number;
  text: string;
}

export interface LineBatch {
  lines: QueueLogText[];
  /** Lines longer than the batch's byte limit: not sent, only reported. */
  oversized: number[];
  after: LinePosition;
}

export interface BatchLimits {
  maxLines: number;
  maxBytes: number;
}

export const FILE_START: LinePosition = { offset: 0, line: 0, anchorStart: 0, anchorHash: '' };
const ANCHOR_MAX_BYTES = 4096;
const SCAN_BYTES = 64 * 1024;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** `device:inode`: what stays the same for a file through renames, and changes when a new file takes its path. */
export function identityOf(stats: { dev: bigint | number; ino: bigint | number }): string {
  return `${stats.dev}:${stats.ino}`;
}

async function readAt(handle: FileHandle, start: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, start);
  return buffer.subarray(0, bytesRead);
}

async function positionAfter(handle: FileHandle, lineStart: number, end: number, line: number): Promise<LinePosition> {
  const anchorStart = Math.max(lineStart, end - ANCHOR_MAX_BYTES);
  return { offset: end, line, anchorStart, anchorHash: sha256(await readAt(handle, anchorStart, end - anchorStart)) };
}

/** True when the file still holds, before `position.offset`, the line that was read there. */
export async function anchorHolds(handle: FileHandle, position: LinePosition): Promise<boolean> {
  if (position.offset === 0) return true;
  const { size } = await handle.stat();
  if (size < position.offset) return false;
  return sha256(await readAt(handle, position.anchorStart, position.offset - position.anchorStart)) === position.anchorHash;
}

/** Where the line that starts at `from` ends (the byte after its newline), scanning in small reads; null when it has no newline yet. */
async function endOfLine(handle: FileHandle, from: number, size: number): Promise<number | null> {
  for (let at = from; at < size; at += SCAN_BYTES) {
    const chunk = await readAt(handle, at, Math.min(SCAN_BYTES, size - at));
    const newline = chunk.indexOf(0x0a);
    if (newline !== -1) return at + newline + 1;
  }
  return null;
}

/**
 * The next whole lines after `from`, at most `limits` of them; null when there is none yet. A last line without
 * its newline waits for it, unless `final` (the file will not grow any more), when it is read as it is.
 */
export async function readBatch(handle: FileHandle, from: LinePosition, limits: BatchLimits, final: boolean): Promise<LineBatch | null> {
  const { size } = await handle.stat();
  if (size <= from.offset) return null;
  const chunk = await readAt(handle, from.offset, Math.min(limits.maxBytes, size - from.offset));
  const lines: QueueLogText[] = [];
  let lineStart = 0;
  let lastStart = 0;
  while (lines.length < limits.maxLines) {
    const newline = chunk.indexOf(0x0a, lineStart);
    if (newline === -1) break;
    lines.push({ number: from.line + lines.length + 1, text: chunk.toString('utf8', lineStart, newline) });
    lastStart = lineStart;
    lineStart = newline + 1;
  }
  const reachedEnd = from.offset + chunk.length === size;
  if (lines.length === 0 && reachedEnd && final) {
    // The unfinished last line of a file that will not grow: read it as it is.
    lines.push({ number: from.line + 1, text: chunk.toString('utf8') });
    return { lines, oversized: [], after: await positionAfter(handle, from.offset, size, from.line + 1) };
  }
  if (lines.length === 0 && !reachedEnd) {
    // One line longer than a whole batch: skip it rather than hold it in memory.
    const end = (await endOfLine(handle, from.offset + chunk.length, size)) ?? (final ? size : null);
    if (end === null) return null;
    return { lines: [], oversized: [from.line + 1], after: await positionAfter(handle, from.offset, end, from.line + 1) };
  }
  if (lines.length === 0) return null;
  const after = await positionAfter(handle, from.offset + lastStart, from.offset + lineStart, from.line + lines.length);
  return { lines, oversized: [], after };
}
