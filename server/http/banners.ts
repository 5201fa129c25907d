// Outage banners over HTTP: supervisors raise and clear; anyone signed in lists the active ones.
import { Router } from 'express';
import { bannerBody } from '../../shared/api.ts';
import type { BannerBoard } from '../domain/banners.ts';
import { principalOf, requireRole } from './authenticate.ts';
import { DomainError } from '../domain/errors.ts';
import { parseBody } from './validate.ts';

export function bannersRouter(deps: { banners: BannerBoard; onChanged: () => void; clock: () => number }): Router {
  const router = Router();
  const readers = requireRole('admin', 'supervisor', 'lead', 'agent', 'display');

  router.get('/api/v1/banners', readers, async (_req, res) => {
    res.json(await deps.banners.active());
  });
  router.get('/api/v1/banners/history', requireRole('admin', 'supervisor'), async (_req, res) => {
    res.json(await deps.banners.history());
  });
  router.post('/api/v1/banners', requireRole('admin', 'supervisor'), async (req, res) => {
    const body = parseBody(bannerBody, req.body);
    if (body.expiresAt && Date.parse(body.expiresAt) <= deps.clock()) throw new DomainError('bad_request', 'expiresAt: must be in the future');
    const banner = await deps.banners.raise(body, principalOf(req).name);
    deps.onChanged();
    res.status(201).json({ id: banner.id });
  });
  router.delete('/api/v1/banners/:id', requireRole('admin', 'supervisor'), async (req, res) => {
    if (!(await deps.banners.clear(String(req.params.id), principalOf(req).name))) throw new DomainError('not_found', 'no active banner with that id');
    deps.onChanged();
    res.status(204).end();
  });
  return router;
}
