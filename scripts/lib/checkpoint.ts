// The Asterisk follower's checkpoint: which file it reads and how far the server has acknowledged it, saved atomically.
import { open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { LinePosition } from './queueLogReader.ts';

export interface Checkpoint extends LinePosition {
  /** `device:inode` of the file the offset belongs to. */
  identity: string;
  /** The path it was read as, for people reading the checkpoint. */
  file: string;
}

interface CheckpointFile extends Checkpoint {
  version: 1;
  savedAt: string;
}

/** The saved checkpoint; null when there is none. A checkpoint that cannot be read is an error, not a fresh start. */
export async function readCheckpoint(path: string): Promise<Checkpoint | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const saved = JSON.parse(text) as Partial<CheckpointFile>;
  const { identity, file, offset, line, anchorStart, anchorHash } = saved;
  if (
    saved.version !== 1 ||
    typeof identity !== 'string' ||
    typeof file !== 'string' ||
    !Number.isSafeInteger(offset) ||
    !Number.isSafeInteger(line) ||
    !Number.isSafeInteger(anchorStart) ||
    typeof anchorHash !== 'string'
  ) {
    throw new Error(`checkpoint ${path} is not one this follower wrote; delete it to read the queue_log from the start`);
  }
  return { identity, file, offset: offset!, line: line!, anchorStart: anchorStart!, anchorHash };
}

/** Writes to a temporary file, fsyncs it, renames it over the checkpoint and fsyncs the folder: a crash leaves the old or the new one. */
export async function writeCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  const body: CheckpointFile = { version: 1, ...checkpoint, savedAt: new Date().toISOString() };
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(body)}\n`);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(temporary, { force: true });
    throw err;
  }
  await handle.close();
  await rename(temporary, path);
  const folder = await open(dirname(path), 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}
