// GET /api/v1/config (CONTRACT v2): the centre's time zone and locale, queues with their thresholds, boards, targets and service level target.
import { Router } from 'express';
import type { Clock } from '../domain/clock.ts';
import type { Settings } from '../settings.ts';
import { requireRole } from './authenticate.ts';

export function configRouter(deps: {
  tz: string;
  locale: string;
  settings: Settings;
  clock: Clock;
  /** Whether any event has ever been accepted (a fresh install's wall says how to get data). */
  eventsReceived: () => Promise<boolean>;
}): Router {
  const router = Router();
  const { settings } = deps;
  // Every queue has a name (its id when the settings give none).
  const queues = settings.queues.map(({ rules: _rules, ...queue }) => ({ ...queue, name: queue.name ?? queue.id }));
  // Ingest tokens read nothing, the config included.
  router.get('/api/v1/config', requireRole('admin', 'supervisor', 'lead', 'agent', 'display'), async (_req, res) => {
    // A store that cannot answer says nothing about a first start: the screens then show what they have.
    const eventsReceived = await deps.eventsReceived().catch(() => true);
    res.json({
      tz: deps.tz,
      locale: deps.locale,
      queues,
      boards: settings.boards,
      targets: settings.targets,
      serviceLevelTarget: settings.serviceLevelTarget,
      now: deps.clock(),
      eventsReceived,
    });
  });
  return router;
}
