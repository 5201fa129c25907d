// GET /api/v1/config (CONTRACT v2): the centre's time zone and locale, queues with their thresholds, boards, targets and service level target.
import { Router } from 'express';
import type { Clock } from '../domain/clock.ts';
import type { Settings } from '../settings.ts';
import { requireRole } from './authenticate.ts';

export function configRouter(deps: { tz: string; locale: string; settings: Settings; clock: Clock }): Router {
  const router = Router();
  const { settings } = deps;
  // Every queue has a name (its id when the settings give none).
  const queues = settings.queues.map(({ rules: _rules, ...queue }) => ({ ...queue, name: queue.name ?? queue.id }));
  // Ingest tokens read nothing, the config included.
  router.get('/api/v1/config', requireRole('admin', 'supervisor', 'lead', 'agent', 'display'), (_req, res) => {
    res.json({
      tz: deps.tz,
      locale: deps.locale,
      queues,
      boards: settings.boards,
      targets: settings.targets,
      serviceLevelTarget: settings.serviceLevelTarget,
      now: deps.clock(),
    });
  });
  return router;
}
