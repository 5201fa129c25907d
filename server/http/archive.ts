// GET /api/v1/ops/export and POST /api/v1/ops/import: a range of days of the past as NDJSON, out and back in.
import { createInterface } from 'node:readline';
import { Router } from 'express';
import type { Calendar } from '../domain/calendar.ts';
import { DomainError } from '../domain/errors.ts';
import type { ArchiveLine, ArchiveStore } from '../redis/archiveStore.ts';
import { requireRole } from './authenticate.ts';
import { dayParam } from './pastQuery.ts';

const DAY_KEY = /^i:.+:\d{4}-\d{2}-\d{2}$/;
const ALL_KEY = /^i:all:\d{4}-\d{2}-\d{2}$/;
const QUEUE_KEY = /^i:queue:.+:\d{4}-\d{2}-\d{2}$/;
const CHUNK = 1000;

export function archiveRouter(deps: { archive: ArchiveStore; calendar: Calendar }): Router {
  const router = Router();
  const operators = requireRole('admin', 'supervisor');

  router.get('/api/v1/ops/export', operators, async (req, res) => {
    const [from, to] = [dayParam(req, 'from'), dayParam(req, 'to')];
    if (from === undefined) throw new DomainError('bad_request', 'from: is required (YYYY-MM-DD)');
    if (to === undefined) throw new DomainError('bad_request', 'to: is required (YYYY-MM-DD)');
    if (to < from) throw new DomainError('bad_request', 'to: must not be before from');
    res.type('application/x-ndjson').setHeader('Content-Disposition', `attachment; filename="wallboard-${from}-${to}.ndjson"`);
    const head: ArchiveLine = { kind: 'export', version: 2, from, to, tz: deps.calendar.tz, exportedAt: new Date().toISOString() };
    res.write(`${JSON.stringify(head)}\n`);
    for await (const line of deps.archive.exportDays(from, to)) {
      if (!res.write(`${JSON.stringify(line)}\n`)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  });

  router.post('/api/v1/ops/import', operators, async (req, res) => {
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-ndjson')) {
      throw new DomainError('unsupported_media_type', 'send the export as application/x-ndjson');
    }
    let pending: ArchiveLine[] = [];
    const totals = { lines: 0, keys: 0, calls: 0 };
    const flush = async () => {
      const done = await deps.archive.importLines(pending);
      totals.keys += done.keys;
      totals.calls += done.calls;
      pending = [];
    };
    // An export of version 1 kept in `all` only what no queue holds: its days' `all` is summed again once they are in.
    let version = 2;
    const olderAll = new Map<string, Record<string, string>>();
    for await (const text of createInterface({ input: req, crlfDelay: Infinity })) {
      totals.lines++;
      if (text.trim() === '') continue;
      const line = archiveLine(text, totals.lines);
      const day = line.kind === 'hash' ? line.key.slice(-10) : '';
      if (line.kind === 'export') version = line.version;
      else if (version === 1 && line.kind === 'hash' && ALL_KEY.test(line.key)) olderAll.set(day, line.fields);
      else pending.push(line);
      if (version === 1 && line.kind === 'hash' && QUEUE_KEY.test(line.key) && !olderAll.has(day)) olderAll.set(day, {});
      if (pending.length >= CHUNK) await flush();
    }
    await flush();
    for (const [day, own] of olderAll) await deps.archive.settleAll(day, own);
    res.json(totals);
  });
  return router;
}

/** One line checked: a 400 names the line and what is wrong (the lines before it are imported: importing is idempotent). */
function archiveLine(text: string, n: number): ArchiveLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DomainError('bad_request', `line ${n}: is not JSON`);
  }
  const v = value as Record<string, unknown>;
  const strings = (o: unknown) => o !== null && typeof o === 'object' && !Array.isArray(o) && Object.values(o).every((x) => typeof x === 'string');
  const ok =
    v !== null &&
    typeof v === 'object' &&
    ((v.kind === 'export' && (v.version === 1 || v.version === 2)) ||
      (v.kind === 'hash' && typeof v.key === 'string' && DAY_KEY.test(v.key) && strings(v.fields)) ||
      (v.kind === 'member' && typeof v.key === 'string' && DAY_KEY.test(v.key) && typeof v.member === 'string' && Number.isFinite(v.score)) ||
      (v.kind === 'entity' && typeof v.entity === 'string' && v.entity.startsWith('call:') && strings(v.meta) && strings(v.events)) ||
      (v.kind === 'rules' && typeof v.fingerprint === 'string' && typeof v.rules === 'string') ||
      (v.kind === 'queue' && typeof v.queue === 'string' && typeof v.seen === 'string'));
  if (!ok) throw new DomainError('bad_request', `line ${n}: not a line of a wallboard export (kind, key or fields)`);
  return v as ArchiveLine;
}
