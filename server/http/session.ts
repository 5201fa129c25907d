// Signing in and out on the screens (CONTRACT.md "People, tokens and teams"), with sign-in limits per account and address.
import { Router, type RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type Options } from 'express-rate-limit';
import type { RedisClient } from '../redis/connect.ts';
import type { StoreKeys } from '../redis/keys.ts';
import { sessionBody } from '../../shared/api.ts';
import { principalKey } from '../../shared/roles.ts';
import { RedisRateStore } from '../auth/rateStore.ts';
import { SESSION_COOKIE } from '../auth/sessionCookie.ts';
import type { Sessions } from '../auth/sessions.ts';
import type { Users } from '../auth/users.ts';
import { DomainError } from '../domain/errors.ts';
import { principalOf } from './authenticate.ts';
import { parseBody } from './validate.ts';

interface SignInLimitDeps {
  /** Where the sign-in counters live (shared by every instance). */
  redis: RedisClient;
  keys: StoreKeys;
  /** Failed sign-ins allowed per account in the window (default 10); an address gets three times that over all accounts. */
  signInLimit?: number;
}

interface SessionRouterDeps extends SignInLimitDeps {
  users: Pick<Users, 'authenticate'>;
  sessions: Pick<Sessions, 'open' | 'close'>;
  secureCookies: boolean;
  /** A session was closed: its sockets (every instance) are disconnected. */
  onSessionClosed: (id: string) => void;
}

/** Sign-in counters run over 15 minutes. */
const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;

export function sessionRouter(deps: SessionRouterDeps): Router {
  const { users, sessions } = deps;
  const router = Router();

  router.post('/api/v1/session', ...signInLimiters(deps), async (req, res) => {
    const body = parseBody(sessionBody, req.body);
    const user = await users.authenticate(body.username, body.password);
    if (!user) throw new DomainError('unauthorized', 'wrong username or password');
    const id = await sessions.open(user);
    res.cookie(SESSION_COOKIE, id, { httpOnly: true, sameSite: 'strict', secure: deps.secureCookies, path: '/', maxAge: 12 * 3600 * 1000 });
    res.status(200).json({ username: user.username, role: user.role, agent: user.agent, teams: user.teams });
  });
  router.delete('/api/v1/session', async (req, res) => {
    const id = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    if (id) {
      await sessions.close(id);
      deps.onSessionClosed(id);
    }
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });
  router.get('/api/v1/session', async (req, res) => {
    const p = principalOf(req);
    // `key` (an extension): who the caller is uniquely, as escalations name who took them.
    res.json({ name: p.name, role: p.role, agent: p.agent, teams: p.teams, queues: p.queues, key: principalKey(p) });
  });
  return router;
}

/** The three limiters a sign-in passes, in order: per address, per account, then the counter of this failure. */
function signInLimiters(deps: SignInLimitDeps): RequestHandler[] {
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
  return [addressLimiter, accountLimiter, pairCounter];
}
