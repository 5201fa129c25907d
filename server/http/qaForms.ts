// Evaluation forms over HTTP: supervisors, admins and team leads design and publish; agents read what evaluations are made with.
import { Router } from 'express';
import { formBody } from '../../shared/qa.ts';
import type { Principal } from '../../shared/roles.ts';
import { DomainError } from '../domain/errors.ts';
import type { FormView, QaForms } from '../domain/qaForms.ts';
import { principalOf, requireRole } from './authenticate.ts';
import { parseBody } from './validate.ts';

const DESIGNERS = ['admin', 'supervisor', 'lead'] as const;
const READERS = ['admin', 'supervisor', 'lead', 'agent'] as const;

export function qaFormsRouter(deps: { forms: QaForms }): Router {
  const { forms } = deps;
  const router = Router();
  const by = (p: Principal) => p.username ?? p.name;

  router.get('/api/v1/qa/forms', requireRole(...READERS), async (req, res) => {
    const p = principalOf(req);
    const all = await forms.list();
    // Only designers see forms that were never published.
    res.json({ forms: isDesigner(p) ? all : all.filter((f) => f.published > 0) });
  });
  router.post('/api/v1/qa/forms', requireRole(...DESIGNERS), async (req, res) => {
    res.status(201).json(await forms.create(parseBody(formBody, req.body), by(principalOf(req))));
  });
  router.get('/api/v1/qa/forms/:id', requireRole(...READERS), async (req, res) => {
    const p = principalOf(req);
    const view = await forms.get(req.params.id as string);
    if (!isDesigner(p) && view.published === 0) throw new DomainError('not_found', `id: no published form "${view.id}"`);
    res.json(isDesigner(p) ? view : ({ ...view, draft: false, draftVersion: null } satisfies FormView));
  });
  router.put('/api/v1/qa/forms/:id', requireRole(...DESIGNERS), async (req, res) => {
    const body = parseBody(formBody, req.body);
    const id = req.params.id as string;
    if (body.id !== undefined && body.id !== id) throw new DomainError('bad_request', 'id: must match the form in the path');
    res.json(await forms.update(id, body, by(principalOf(req))));
  });
  router.post('/api/v1/qa/forms/:id/publish', requireRole(...DESIGNERS), async (req, res) => {
    res.json(await forms.publish(req.params.id as string, by(principalOf(req))));
  });
  router.get('/api/v1/qa/forms/:id/versions/:version', requireRole(...READERS), async (req, res) => {
    const version = Number(req.params.version);
    if (!Number.isInteger(version) || version < 1) throw new DomainError('bad_request', 'version: must be a whole number from 1');
    res.json(await forms.version(req.params.id as string, version));
  });
  return router;
}

const isDesigner = (p: Principal) => p.role === 'admin' || p.role === 'supervisor' || p.role === 'lead';
