// Evaluation forms: a draft is designed and edited, publishing freezes it as version N, editing after that opens version N+1.
import { randomUUID } from 'node:crypto';
import type { FormBody, FormSummary, FormVersion } from '../../shared/qa.ts';
import type { QaStore, StoredForm } from '../redis/qaStore.ts';
import type { Clock } from './clock.ts';
import { DomainError } from './errors.ts';

/** A form as one reads it: the list entry, the draft if one is open, the published version numbers and the latest of them. */
export interface FormView extends FormSummary {
  versions: number[];
  latest: FormVersion | null;
  draftVersion: FormVersion | null;
}

const ATTEMPTS = 5;

export function createQaForms(deps: { store: QaStore; clock: Clock }) {
  const { store, clock } = deps;
  const now = () => new Date(clock()).toISOString();

  async function create(body: FormBody, by: string): Promise<FormView> {
    const id = body.id ?? randomUUID();
    const at = now();
    const meta: FormSummary = { id, name: body.name, published: 0, draft: true, createdAt: at };
    const draft = draftOf(id, 1, body, by, at);
    if (!(await store.saveForm({ seq: '', meta, draft }))) throw new DomainError('conflict', `id: a form "${id}" exists already`);
    return viewOf({ seq: '1', meta, draft, versions: new Map() });
  }

  /** Replaces the open draft, or opens the next version's draft when the latest is published. */
  function update(id: string, body: FormBody, by: string): Promise<FormView> {
    return change(id, (form) => {
      const at = now();
      const draft = draftOf(id, form.meta.published + 1, body, by, at);
      return { meta: { ...form.meta, name: body.name, draft: true }, draft };
    });
  }

  function publish(id: string, by: string): Promise<FormView> {
    return change(id, (form) => {
      if (!form.draft) throw new DomainError('conflict', `id: form "${id}" has no draft to publish (version ${form.meta.published} is published)`);
      const at = now();
      const published: FormVersion = { ...form.draft, status: 'published', publishedAt: at, updatedAt: at, updatedBy: by };
      return { meta: { ...form.meta, name: published.name, published: published.version, draft: false }, draft: null, published };
    });
  }

  /** Reads, changes and saves a form, again when someone saved it meanwhile. */
  async function change(id: string, next: (form: StoredForm) => { meta: FormSummary; draft: FormVersion | null; published?: FormVersion }) {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const form = await load(id);
      const changed = next(form);
      if (await store.saveForm({ seq: form.seq, ...changed })) {
        if (changed.published) form.versions.set(changed.published.version, changed.published);
        return viewOf({ ...form, meta: changed.meta, draft: changed.draft });
      }
    }
    throw new DomainError('conflict', `id: form "${id}" is being changed by someone else; try again`);
  }

  async function load(id: string): Promise<StoredForm> {
    const form = await store.loadForm(id);
    if (!form) throw new DomainError('not_found', `id: no form "${id}"`);
    return form;
  }

  const get = async (id: string): Promise<FormView> => viewOf(await load(id));

  /** A published version: what evaluations are made with. */
  async function version(id: string, n: number): Promise<FormVersion> {
    const found = await store.formVersion(id, n);
    if (!found) throw new DomainError('not_found', `version: form "${id}" has no published version ${n}`);
    return found;
  }

  const list = () => store.listForms();

  return { create, update, publish, get, version, list };
}

export type QaForms = ReturnType<typeof createQaForms>;

function draftOf(formId: string, version: number, body: FormBody, by: string, at: string): FormVersion {
  return { formId, version, name: body.name, sections: body.sections, status: 'draft', updatedAt: at, updatedBy: by };
}

function viewOf(form: StoredForm): FormView {
  const versions = [...form.versions.keys()].sort((a, b) => a - b);
  return { ...form.meta, versions, latest: form.versions.get(form.meta.published) ?? null, draftVersion: form.draft };
}
