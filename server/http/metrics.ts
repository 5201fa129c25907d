// GET /api/v1/metrics: one scope's figures for a day, after checking the caller may read that scope.
import { Router } from 'express';
import { mayRead } from '../../shared/roles.ts';
import type { Teams } from '../auth/teams.ts';
import { Calendar } from '../domain/calendar.ts';
import { parseScope } from '../../shared/scope.ts';
import type { SnapshotCache } from '../domain/snapshots.ts';
import { principalOf } from './authenticate.ts';
import { DomainError } from '../domain/errors.ts';

export function metricsRouter(deps: { directory: { teams: Pick<Teams, 'agentsOfTeams'> }; snapshots: SnapshotCache }): Router {
  const router = Router();
  router.get('/api/v1/metrics', async (req, res) => {
    const principal = principalOf(req);
    const scope = typeof req.query.scope === 'string' ? req.query.scope : 'all';
    if (!parseScope(scope)) throw new DomainError('bad_request', 'scope: must be all, queue:<id>, team:<id> or agent:<id>');
    const day = typeof req.query.day === 'string' ? req.query.day : undefined;
    if (day !== undefined && !Calendar.isDay(day)) throw new DomainError('bad_request', 'day: must be a date YYYY-MM-DD');
    const agents = principal.role === 'lead' ? await deps.directory.teams.agentsOfTeams(principal.teams ?? []) : new Set<string>();
    if (!mayRead(principal, scope, () => agents)) throw new DomainError('forbidden', `the ${principal.role} role may not read ${scope}`);
    res.json(await deps.snapshots.read(scope, day));
  });
  return router;
}
