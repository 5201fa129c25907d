// Teams (CONTRACT.md "People, tokens and teams"): read by managers and leads (their own), written by managers.
import { Router } from 'express';
import { teamBody } from '../../shared/api.ts';
import { idProblem } from '../../shared/events.ts';
import type { Teams } from '../auth/teams.ts';
import { DomainError } from '../domain/errors.ts';
import { principalOf, requireRole } from './authenticate.ts';
import { parseBody } from './validate.ts';

const manager = requireRole('supervisor', 'admin');

interface TeamsRouterDeps {
  teams: Pick<Teams, 'put' | 'list' | 'delete'>;
  /** A team was made, changed or deleted: its figures changed, and its leads may have lost agents. */
  onTeamChanged: (id: string) => void;
}

export function teamsRouter(deps: TeamsRouterDeps): Router {
  const { teams } = deps;
  const router = Router();

  router.get('/api/v1/teams', requireRole('supervisor', 'admin', 'lead'), async (req, res) => {
    const p = principalOf(req);
    const all = await teams.list();
    res.json(p.role === 'lead' ? all.filter((t) => p.teams?.includes(t.id)) : all);
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
    await teams.put(team);
    deps.onTeamChanged(team.id);
    res.status(200).json(team);
  });
  router.delete('/api/v1/teams/:id', manager, async (req, res) => {
    const id = String(req.params.id);
    if (!(await teams.delete(id))) throw new DomainError('not_found', 'no such team');
    deps.onTeamChanged(id);
    res.status(204).end();
  });
  return router;
}
