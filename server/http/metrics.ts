// GET /api/v1/metrics: one scope's figures for a day, after checking the caller may read that scope.
import { Router } from 'express';
import { mayRead } from '../../shared/roles.ts';
import type { Teams } from '../auth/teams.ts';
import { parseScope } from '../../shared/scope.ts';
import type { SnapshotCache } from '../domain/snapshots.ts';
import { principalOf } from './authenticate.ts';
import { DomainError } from '../domain/errors.ts';
import { dayParam, param } from './pastQuery.ts';

export function metricsRouter(deps: { directory: { teams: Pick<Teams, 'agentsOfTeams'> }; snapshots: SnapshotCache }): Router {
  const router = Router();
  router.get('/api/v1/metrics', async (req, res) => {
    const principal = principalOf(req);
    const scope = param(req, 'scope') ?? 'all';
    if (!parseScope(scope)) throw new DomainError('bad_request', 'scope: must be all, queue:<id>, team:<id> or agent:<id>');
    const day = dayParam(req, 'day');
    const agents = principal.role === 'lead' ? await deps.directory.teams.agentsOfTeams(principal.teams ?? []) : new Set<string>();
    if (!mayRead(principal, scope, () => agents)) throw new DomainError('forbidden', `the ${principal.role} role may not read ${scope}`);
    res.json(await deps.snapshots.read(scope, day));
  });
  return router;
}
