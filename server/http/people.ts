// Teams, machine tokens, users and sessions (CONTRACT.md "People, tokens and teams").
import { Router } from 'express';
import { ipKeyGenerator, rateLimit, type Options } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import type { StoreKeys } from '../redis/keys.ts';
import { sessionBody, teamBody, tokenBody, userBody, userPatchBody } from '../../shared/api.ts';
import { idProblem } from '../../shared/events.ts';
import type { Directory } from '../auth/directory.ts';
import { RedisRateStore } from '../auth/rateStore.ts';
import { SESSION_COOKIE } from '../auth/sessionCookie.ts';
import { principalOf, requireRole } from './authenticate.ts';
import { DomainError } from '../domain/errors.ts';
import { parseBody } from './validate.ts';

export interface PeopleDeps {
  directory: Directory;
  /** Where the sign-in counters live (shared by every instance). */
  redis: Redis;
  keys: StoreKeys;
  secureCookies: boolean;
  onTokenRevoked: (id: string) => void;
  onSessionClosed: (id: string) => void;
  /** A user was deleted or changed: its sockets (every session, every instance) are disconnected. */
  onUserChanged: (username: string) => void;
  /** Failed sign-ins allowed per account in the window (default 10); an address gets three times that over all accounts. */
  signInLimit?: number;
}

/** Sign-in counters run over 15 minutes. */
export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;

const manager = requireRole('supervisor', 'admin');

export function peopleRouter(deps: PeopleDeps): Router {
  const { directory } = deps;
  const router = Router();

  router.get('/api/v1/teams', requireRole('supervisor', 'admin', 'lead'), async (req, res) => {
    const p = principalOf(req);
    const teams = await directory.teams.list();
    res.json(p.role === 'lead' ? teams.filter((t) => p.teams?.includes(t.id)) : teams);
  });
  router.put('/api/v1/teams/:id', manager, async (req, res) => {
    const body = parseBody(teamBody, req.body);
    const problem = idProblem(String(req.params.id));
    if (problem) throw new DomainError('bad_request', `id: ${problem}`);
    const team = {
      id: String(req.params.id),
      name: body.name,
      agents: [...new Set(body.agents)],
      ...(body.queues ? { queues: [...new Set(body.queues)] } : {}),
    };
    await directory.teams.put(team);
    res.status(200).json(team);
  });
  router.delete('/api/v1/teams/:id', manager, async (req, res) => {
    if (!(await directory.teams.delete(String(req.params.id)))) throw new DomainError('not_found', 'no such team');
    res.status(204).end();
  });

  router.get('/api/v1/tokens', manager, async (_req, res) => {
    res.json(await directory.tokens.list());
  });
  router.post('/api/v1/tokens', manager, async (req, res) => {
    const body = parseBody(tokenBody, req.body);
    const p = principalOf(req);
    if (body.role === 'admin' && p.role !== 'admin') throw new DomainError('forbidden', 'role: only an admin may create admin tokens');
    if ((body.role === 'agent' || body.role === 'lead') && !body.subject) {
      throw new DomainError('bad_request', `subject: is required for a ${body.role} token (the ${body.role === 'agent' ? 'agent' : 'team'} id)`);
    }
    res.status(201).json(await directory.tokens.create(body, p.name));
  });
  router.delete('/api/v1/tokens/:id', manager, async (req, res) => {
    const id = String(req.params.id);
    if (!(await directory.tokens.revoke(id))) throw new DomainError('not_found', 'no such token');
    deps.onTokenRevoked(id);
    res.status(204).end();
  });

  router.get('/api/v1/users', requireRole('admin'), async (_req, res) => {
    res.json(await directory.users.list());
  });
  router.post('/api/v1/users', requireRole('admin'), async (req, res) => {
    const body = parseBody(userBody, req.body);
    const user = await directory.users.create(body);
    if (!user) throw new DomainError('conflict', `username: "${body.username}" is taken`);
    res.status(201).json(user);
  });
  router.patch('/api/v1/users/:username', requireRole('admin'), async (req, res) => {
    const username = String(req.params.username);
    const change = await directory.users.update(username, parseBody(userPatchBody, req.body));
    if (!change) throw new DomainError('not_found', 'no such user');
    // A new role or password ended the sessions; a new agent or teams needs fresh sockets (their rooms follow them).
    if (change.accessChanged) deps.onUserChanged(username);
    res.json(change.user);
  });
  router.delete('/api/v1/users/:username', requireRole('admin'), async (req, res) => {
    const username = String(req.params.username);
    if ((await directory.users.delete(username)) === null) throw new DomainError('not_found', 'no such user');
    deps.onUserChanged(username);
    res.status(204).end();
  });

  const accountLimit = deps.signInLimit ?? 10;
  const store = (name: string) => new RedisRateStore(deps.redis, deps.keys.auth.rateLimit(name));
  const address = (req: { ip?: string | undefined }) => ipKeyGenerator(req.ip ?? 'unknown');
  const username = (req: { body?: unknown }) => String((req.body as { username?: unknown } | undefined)?.username ?? '');
  const common: Partial<Options> = {
    windowMs: SIGN_IN_WINDOW_MS,
    // Only failures count: a correct password takes its hit back.
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // X-Forwarded-For is read only through WALLBOARD_TRUST_PROXY; without it the header is ignored, on purpose.
    validate: { xForwardedForHeader: false },
    handler: (_req, res) => res.status(429).json({ error: 'too_many_requests', message: 'too many sign-in attempts; wait a few minutes' }),
  };
  // Failures per address and account: only to know whether an address has failed on this account itself.
  const pairFailures = store('pair');
  // 1. Per address, whatever the account: one client guessing many accounts.
  const addressLimiter = rateLimit({ ...common, limit: accountLimit * 3, store: store('address'), keyGenerator: address });
  // 2. Per account, whatever the address: many clients guessing one account. When it trips it refuses only
  //    addresses that have failed on this account themselves, so the owner at a clean address still gets in.
  const accountLimiter = rateLimit({
    ...common,
    store: store('account'),
    keyGenerator: username,
    limit: async (req) => ((await pairFailures.get(`${address(req)}|${username(req)}`))?.totalHits ? accountLimit : Number.MAX_SAFE_INTEGER),
  });
  // 3. Counts this request's failure against its address and account (never refuses).
  const pairCounter = rateLimit({
    ...common,
    limit: Number.MAX_SAFE_INTEGER,
    store: pairFailures,
    keyGenerator: (req) => `${address(req)}|${username(req)}`,
  });
  router.post('/api/v1/session', addressLimiter, accountLimiter, pairCounter, async (req, res) => {
    const body = parseBody(sessionBody, req.body);
    const user = await directory.users.authenticate(body.username, body.password);
    if (!user) throw new DomainError('unauthorized', 'wrong username or password');
    const id = await directory.sessions.open(user);
    res.cookie(SESSION_COOKIE, id, { httpOnly: true, sameSite: 'strict', secure: deps.secureCookies, path: '/', maxAge: 12 * 3600 * 1000 });
    res.status(200).json({ username: user.username, role: user.role, agent: user.agent, teams: user.teams });
  });
  router.delete('/api/v1/session', async (req, res) => {
    const id = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    if (id) {
      await directory.sessions.close(id);
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
