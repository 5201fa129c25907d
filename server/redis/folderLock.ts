// One redis-server per data folder: who holds it, by the pid file redis-server writes (and removes on a clean stop),
// and taking it back from one a wallboard killed outright left behind.
import { readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { join, resolve } from 'node:path';

/** The pid file's name in the data folder (redis-server's `--pidfile`). */
export const PID_FILE = 'redis-server.pid';
/** How long an orphan gets to sync its append-only file and exit after SIGTERM. */
const ORPHAN_STOP_MS = 15_000;

export const pidFileOf = (dir: string) => join(resolve(dir), PID_FILE);

const commandOf = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return ''; // gone
  }
};

/** The parent's pid from /proc/<pid>/stat ("pid (comm) state ppid …"; comm may hold spaces and parentheses). */
function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[1]);
}

/** The redis-server working in `dir` as its pid file says, or null: no file, a stale pid, a zombie, another program, a copied folder. */
function holderOf(dir: string): { pid: number; parent: number } | null {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dir, PID_FILE), 'utf8').trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    // A zombie's command is empty, a pid reused by another program is not ours, and a copied folder's names the original.
    if (!commandOf(pid).includes('redis-server') || readlinkSync(`/proc/${pid}/cwd`) !== realpathSync(dir)) return null;
    return { pid, parent: parentOf(pid) };
  } catch {
    return null;
  }
}

/**
 * Makes the folder free for a new redis-server. A second one would append to the same append-only file, so one a
 * running wallboard holds (its parent, a node process, is alive: `npm start` beside `npm run cluster` on ./data, or a
 * server left running when npm alone got SIGTERM) is refused, naming its pid. One whose wallboard was killed outright
 * (SIGKILL: no exit hook ran, and init or a subreaper adopted it) is stopped cleanly first, as a restart expects.
 */
export async function claimFolder(dir: string): Promise<void> {
  const holder = holderOf(dir);
  if (!holder) return;
  const orphan = holder.parent !== process.pid && (holder.parent === 1 || !commandOf(holder.parent).includes('node'));
  if (!orphan) {
    throw new Error(
      `a redis-server (pid ${holder.pid}) is running on ${dir}: stop it, or the wallboard that started it, before starting another on this folder`,
    );
  }
  process.kill(holder.pid, 'SIGTERM'); // Redis syncs its append-only file, then exits
  for (const started = Date.now(); commandOf(holder.pid).includes('redis-server'); await delay(50)) {
    if (Date.now() - started > ORPHAN_STOP_MS) throw new Error(`the redis-server (pid ${holder.pid}) left on ${dir} did not stop on SIGTERM: stop it first`);
  }
}
