// The admin from the environment: the first user of a fresh install, or, asked for by WALLBOARD_ADMIN_RESET, the way
// back in when the only admin's password is lost (the API token is a supervisor's and cannot manage people).
import type { createUsers } from './users.ts';

type Users = Pick<ReturnType<typeof createUsers>, 'count' | 'create' | 'update'>;

/**
 * Creates the admin when no user exists. With `reset`, also gives an existing user of that name the admin role and
 * this password, ending its sessions; what happened is said in the log. Returns the sessions ended.
 */
export async function bootstrapAdmin(
  users: Users,
  admin: { username: string; password: string; reset: boolean },
  log: (msg: string, extra?: Record<string, unknown>) => void,
): Promise<string[]> {
  const { username, password } = admin;
  if ((await users.count()) === 0) {
    await users.create({ username, password, role: 'admin' });
    log('created the first admin from WALLBOARD_ADMIN_USER', { username });
    return [];
  }
  if (!admin.reset) return [];
  const changed = await users.update(username, { role: 'admin', password });
  if (changed === null) await users.create({ username, password, role: 'admin' });
  log('admin reset from WALLBOARD_ADMIN_USER and WALLBOARD_ADMIN_PASSWORD: unset WALLBOARD_ADMIN_RESET now', { username, existed: changed !== null });
  return changed?.sessionsEnded ?? [];
}
