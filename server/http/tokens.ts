// Machine tokens (CONTRACT.md "People, tokens and teams"): listed, made and revoked by managers.
import { Router } from 'express';
import { tokenBody } from '../../shared/api.ts';
import type { Tokens } from '../auth/tokens.ts';
import { DomainError } from '../domain/errors.ts';
import { principalOf, requireRole } from './authenticate.ts';
import { parseBody } from './validate.ts';

const manager = requireRole('supervisor', 'admin');

interface TokensRouterDeps {
  tokens: Pick<Tokens, 'create' | 'revoke' | 'list'>;
  /** A token was revoked: its sockets (every instance) are disconnected. */
  onTokenRevoked: (id: string) => void;
}

export function tokensRouter(deps: TokensRouterDeps): Router {
  const { tokens } = deps;
  const router = Router();

  router.get('/api/v1/tokens', manager, async (_req, res) => {
    res.json(await tokens.list());
  });
  router.post('/api/v1/tokens', manager, async (req, res) => {
    const body = parseBody(tokenBody, req.body);
    const p = principalOf(req);
    if (body.role === 'admin' && p.role !== 'admin') throw new DomainError('forbidden', 'role: only an admin may create admin tokens');
    if ((body.role === 'agent' || body.role === 'lead') && !body.subject) {
      throw new DomainError('bad_request', `subject: is required for a ${body.role} token (the ${body.role === 'agent' ? 'agent' : 'team'} id)`);
    }
    res.status(201).json(await tokens.create(body, p.name));
  });
  router.delete('/api/v1/tokens/:id', manager, async (req, res) => {
    const id = String(req.params.id);
    if (!(await tokens.revoke(id))) throw new DomainError('not_found', 'no such token');
    deps.onTokenRevoked(id);
    res.status(204).end();
  });
  return router;
}
