// Users (CONTRACT.md "People, tokens and teams" and v2): listed, made, changed and deleted by admins.
import { Router } from 'express';
import { userBody, userPatchBody } from '../../shared/api.ts';
import type { Users } from '../auth/users.ts';
import { DomainError } from '../domain/errors.ts';
import { requireRole } from './authenticate.ts';
import { parseBody } from './validate.ts';

const admin = requireRole('admin');

interface UsersRouterDeps {
  users: Pick<Users, 'create' | 'update' | 'delete' | 'list'>;
  /** A user was deleted or changed: its sockets (every session, every instance) are disconnected. */
  onUserChanged: (username: string) => void;
}

export function usersRouter(deps: UsersRouterDeps): Router {
  const { users } = deps;
  const router = Router();

  router.get('/api/v1/users', admin, async (_req, res) => {
    res.json(await users.list());
  });
  router.post('/api/v1/users', admin, async (req, res) => {
    const body = parseBody(userBody, req.body);
    const user = await users.create(body);
    if (!user) throw new DomainError('conflict', `username: "${body.username}" is taken`);
    res.status(201).json(user);
  });
  router.patch('/api/v1/users/:username', admin, async (req, res) => {
    const username = String(req.params.username);
    const change = await users.update(username, parseBody(userPatchBody, req.body));
    if (!change) throw new DomainError('not_found', 'no such user');
    // A new role or password ended the sessions; a new agent or teams needs fresh sockets (their rooms follow them).
    if (change.accessChanged) deps.onUserChanged(username);
    res.json(change.user);
  });
  router.delete('/api/v1/users/:username', admin, async (req, res) => {
    const username = String(req.params.username);
    if ((await users.delete(username)) === null) throw new DomainError('not_found', 'no such user');
    deps.onUserChanged(username);
    res.status(204).end();
  });
  return router;
}
