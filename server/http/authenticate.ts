// Resolves the caller from a Bearer token or the session cookie; guards that check roles on the server.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Principal, Role } from '../../shared/roles.ts';
import type { Sessions } from '../auth/sessions.ts';
import type { Tokens } from '../auth/tokens.ts';
import { DomainError } from '../domain/errors.ts';
import { originMatches } from '../auth/origin.ts';
import { SESSION_COOKIE } from '../auth/sessionCookie.ts';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/** What resolves credentials: machine tokens and sign-in sessions. */
interface Credentials {
  tokens: Pick<Tokens, 'principalForToken'>;
  sessions: Pick<Sessions, 'principalForSession'>;
}

/** Reads credentials when present; never rejects by itself. A bad Bearer token is a 401 though. */
export function identify(credentials: Credentials): RequestHandler {
  return async (req, _res, next) => {
    try {
      const header = req.headers.authorization;
      if (header) {
        const match = /^Bearer\s+(\S+)$/i.exec(header);
        const principal = match ? await credentials.tokens.principalForToken(match[1]!) : null;
        if (!principal) throw new DomainError('unauthorized', 'the token is missing, unknown or revoked');
        req.principal = principal;
      } else {
        const sessionId = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
        const principal = sessionId ? await credentials.sessions.principalForSession(sessionId) : null;
        if (principal) req.principal = principal;
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** Lets through a caller whose role is one of `roles`; 401 when nobody is signed in, 403 otherwise. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!req.principal) return next(new DomainError('unauthorized', 'sign in or pass Authorization: Bearer <token>'));
    if (!roles.includes(req.principal.role)) return next(new DomainError('forbidden', `the ${req.principal.role} role may not do this`));
    next();
  };
}

export function principalOf(req: Request): Principal {
  if (!req.principal) throw new DomainError('unauthorized', 'sign in or pass Authorization: Bearer <token>');
  return req.principal;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Cookies travel with cross-site requests, so a state-changing request without a token must come from a
 * page of this server: its Origin, when sent, must match the Host (X-Forwarded-Host behind a trusted proxy).
 * Token callers (Authorization: Bearer) are not browsers riding on a cookie and are not checked.
 */
export function sameOriginForCookies(): RequestHandler {
  return (req, _res, next) => {
    if (!STATE_CHANGING.has(req.method) || req.headers.authorization) return next();
    if (!originMatches(req.headers.origin, req.host)) return next(new DomainError('forbidden', 'the Origin of this request does not match this server'));
    next();
  };
}
