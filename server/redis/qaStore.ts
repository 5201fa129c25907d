// Quality forms and evaluations in Redis: one hash each, saved by compare-and-set on its seq (lua/qaSave.lua), each in its log; no TTL.
import type { EvaluationRecord, FormSummary, FormVersion } from '../../shared/qa.ts';
import type { RedisClient } from './connect.ts';
import type { StoreKeys } from './keys.ts';
import { repliesOf } from './pipeline.ts';

/** A form as stored: what lists it, its open draft, and every published version by number. */
export interface StoredForm {
  seq: string;
  meta: FormSummary;
  draft: FormVersion | null;
  versions: Map<number, FormVersion>;
}

interface StoredEvaluation {
  seq: string;
  record: EvaluationRecord;
}

export function createQaStore(deps: { redis: RedisClient; keys: StoreKeys }) {
  const { redis } = deps;
  const key = deps.keys.qa;

  /** Writes fields if the seq is still `seq` ("" for a new one); false when someone saved meanwhile. */
  async function save(hash: string, log: string, seq: string, id: string, createdAt: number, fields: Record<string, unknown>): Promise<boolean> {
    const pairs = Object.entries(fields).flatMap(([field, value]) => [field, JSON.stringify(value)]);
    return (await redis.qaSave(hash, log, seq, id, createdAt, ...pairs)) !== -1;
  }

  async function loadForm(id: string): Promise<StoredForm | null> {
    const hash = await redis.hgetall(key.form(id));
    if (!Object.hasOwn(hash, 'meta')) return null;
    const versions = new Map<number, FormVersion>();
    for (const [field, value] of Object.entries(hash)) if (field.startsWith('v:')) versions.set(Number(field.slice(2)), JSON.parse(value) as FormVersion);
    const draft = hash.draft ? (JSON.parse(hash.draft) as FormVersion | null) : null;
    return { seq: hash.seq ?? '', meta: JSON.parse(hash.meta!) as FormSummary, draft, versions };
  }

  /** Saves a form's meta and draft (null: none open), and a newly published version when given; never rewrites a published one. */
  function saveForm(form: { seq: string; meta: FormSummary; draft: FormVersion | null; published?: FormVersion }): Promise<boolean> {
    const fields: Record<string, unknown> = { meta: form.meta, draft: form.draft };
    if (form.published) fields[`v:${form.published.version}`] = form.published;
    return save(key.form(form.meta.id), key.forms, form.seq, form.meta.id, Date.parse(form.meta.createdAt), fields);
  }

  async function formVersion(id: string, version: number): Promise<FormVersion | null> {
    const raw = await redis.hget(key.form(id), `v:${version}`);
    return raw ? (JSON.parse(raw) as FormVersion) : null;
  }

  async function listForms(): Promise<FormSummary[]> {
    const ids = await redis.zrangebyscore(key.forms, '-inf', '+inf');
    if (ids.length === 0) return [];
    const pipe = redis.pipeline();
    for (const id of ids) pipe.hget(key.form(id), 'meta');
    const metas = (await repliesOf(pipe)) as (string | null)[];
    return metas.filter((m): m is string => m !== null).map((m) => JSON.parse(m) as FormSummary);
  }

  async function loadEvaluation(id: string): Promise<StoredEvaluation | null> {
    const [seq, rec] = await redis.hmget(key.evaluation(id), 'seq', 'rec');
    return rec ? { seq: seq ?? '', record: JSON.parse(rec) as EvaluationRecord } : null;
  }

  function saveEvaluation(seq: string, record: EvaluationRecord): Promise<boolean> {
    return save(key.evaluation(record.id), key.evaluations, seq, record.id, Date.parse(record.createdAt), { rec: record });
  }

  /** Evaluations created between two instants (epoch ms), newest first, up to `limit`. */
  async function evaluationsBetween(from: number | undefined, to: number | undefined, limit: number): Promise<EvaluationRecord[]> {
    const ids = await redis.zrevrangebyscore(key.evaluations, to ?? '+inf', from ?? '-inf', 'LIMIT', 0, limit);
    if (ids.length === 0) return [];
    const pipe = redis.pipeline();
    for (const id of ids) pipe.hget(key.evaluation(id), 'rec');
    const recs = (await repliesOf(pipe)) as (string | null)[];
    return recs.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as EvaluationRecord);
  }

  return { loadForm, saveForm, formVersion, listForms, loadEvaluation, saveEvaluation, evaluationsBetween };
}

export type QaStore = ReturnType<typeof createQaStore>;
