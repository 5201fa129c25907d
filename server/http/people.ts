// Teams, machine tokens, users and sessions (CONTRACT.md "People, tokens and teams").
import { Router } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { sessionBody, teamBody, tokenBody, userBody, userPatchBody } from '../../shared/api.ts';
import type { Directory } from '../auth/directory.ts';
import { principalOf, requireRole, SESSION_COOKIE } from './authenticate.ts';
import { ApiError } from './errors.ts';
import { parseBody } from './validate.ts';

export interface PeopleDeps {
  directory: Directory;
  secureCookies: boolean;
  onTokenRevoked: (id: string) => void;
  onSessionClosed: (id: string) => void;
  /** Sign-in attempts allowed per client and username in 5 minutes (failed ones only). */
  signInLimit?: number;
}

const manager = requireRole('supervisor', 'admin');

export function peopleRouter(deps: PeopleDeps): Router {
  const { directory } = deps;
  const router = Router();

  router.get('/api/v1/teams', requireRole('supervisor', 'admin', 'lead'), async (req, res) => {
    const p = principalOf(req);
    const teams = await directory.listTeams();
    res.json(p.role === 'lead' ? teams.filter((t) => p.teams?.includes(t.id)) : teams);
  });
  router.put('/api/v1/teams/:id', manager, async (req, res) => {
    const body = parseBody(teamBody, req.body);
    const team = {
      id: String(req.params.id),
      name: body.name,
      agents: [...new Set(body.agents)],
      ...(body.queues ? { queues: [...new Set(body.queues)] } : {}),
    };
    await directory.putTeam(team);
    res.status(200).json(team);
  });
  router.delete('/api/v1/teams/:id', manager, async (req, res) => {
    if (!(await directory.deleteTeam(String(req.params.id)))) throw new ApiError('not_found', 'no such team');
    res.status(204).end();
  });

  router.get('/api/v1/tokens', manager, async (_req, res) => {
    res.json(await directory.listTokens());
  });
  router.post('/api/v1/tokens', manager, async (req, res) => {
    const body = parseBody(tokenBody, req.body);
    const p = principalOf(req);
    if (body.role === 'admin' && p.role !== 'admin') throw new ApiError('forbidden', 'role: only an admin may create admin tokens');
    if ((body.role === 'agent' || body.role === 'lead') && !body.subject) {
      throw new ApiError('bad_request', `subject: is required for a ${body.role} token (the ${body.role === 'agent' ? 'agent' : 'team'} id)`);
    }
    res.status(201).json(await directory.createToken(body, p.name));
  });
  router.delete('/api/v1/tokens/:id', manager, async (req, res) => {
    const id = String(req.params.id);
    if (!(await directory.revokeToken(id))) throw new ApiError('not_found', 'no such token');
    deps.onTokenRevoked(id);
    res.status(204).end();
  });

  router.get('/api/v1/users', requireRole('admin'), async (_req, res) => {
    res.json(await directory.listUsers());
  });
  router.post('/api/v1/users', requireRole('admin'), async (req, res) => {
    const body = parseBody(userBody, req.body);
    const user = await directory.createUser(body);
    if (!user) throw new ApiError('conflict', `username: "${body.username}" is taken`);
    res.status(201).json(user);
  });
  router.patch('/api/v1/users/:username', requireRole('admin'), async (req, res) => {
    const user = await directory.updateUser(String(req.params.username), parseBody(userPatchBody, req.body));
    if (!user) throw new ApiError('not_found', 'no such user');
    res.json(user);
  });
  router.delete('/api/v1/users/:username', requireRole('admin'), async (req, res) => {
    if (!(await directory.deleteUser(String(req.params.username)))) throw new ApiError('not_found', 'no such user');
    res.status(204).end();
  });

  const signInLimiter = rateLimit({
    windowMs: 5 * 60 * 1000,
    limit: deps.signInLimit ?? 10,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => `${ipKeyGenerator(req.ip ?? 'unknown')}|${String((req.body as { username?: unknown } | undefined)?.username ?? '')}`,
    handler: (_req, res) => res.status(429).json({ error: 'too_many_requests', message: 'too many sign-in attempts; wait a few minutes' }),
  });
  // A second, wider limit per client, so trying many usernames is slowed down too.
  const clientLimiter = rateLimit({
    windowMs: 5 * 60 * 1000,
    limit: (deps.signInLimit ?? 10) * 3,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? 'unknown'),
    handler: (_req, res) => res.status(429).json({ error: 'too_many_requests', message: 'too many sign-in attempts; wait a few minutes' }),
  });
  router.post('/api/v1/session', clientLimiter, signInLimiter, async (req, res) => {
    const body = parseBody(sessionBody, req.body);
    const user = await directory.authenticate(body.username, body.password);
    if (!user) throw new ApiError('unauthorized', 'wrong username or password');
    const id = await directory.openSession(user.username);
    res.cookie(SESSION_COOKIE, id, { httpOnly: true, sameSite: 'strict', secure: deps.secureCookies, path: '/', maxAge: 12 * 3600 * 1000 });
    res.status(200).json({ username: user.username, role: user.role, agent: user.agent, teams: user.teams });
  });
  router.delete('/api/v1/session', async (req, res) => {
    const id = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    if (id) {
      await directory.closeSession(id);
      deps.onSessionClosed(id);
    }
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });
  router.get('/api/v1/session', async (req, res) => {
    const p = principalOf(req);
    res.json({ name: p.name, role: p.role, agent: p.agent, teams: p.teams, queues: p.queues });
  });
  return router;
}
