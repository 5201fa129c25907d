// For operators: this instance's memory, sockets and event-loop delay, and the self-audit of a day's figures.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Router } from 'express';
import { auditDay } from '../domain/audit.ts';
import type { Calendar } from '../domain/calendar.ts';
import type { Clock } from '../domain/clock.ts';
import type { Ingest } from '../domain/ingest.ts';
import type { CallLogArchive } from '../redis/callLogArchive.ts';
import type { FigureReader } from '../redis/figureReader.ts';
import { requireRole } from './authenticate.ts';
import { dayParam } from './pastQuery.ts';

interface OpsDeps {
  ingest: Ingest;
  figures: FigureReader;
  /** The archived call log, which the audit reads with the open one. */
  archive?: Pick<CallLogArchive, 'read'>;
  calendar: Calendar;
  clock: Clock;
  sockets: () => number;
  isStoreUp: () => boolean;
}

export function opsRouter(deps: OpsDeps): Router & { close(): void } {
  const router = Router();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const operators = requireRole('admin', 'supervisor');

  router.get('/api/v1/ops', operators, (req, res) => {
    // The benchmarks start the server with --expose-gc so memory is measured after a collection.
    const gc = (globalThis as { gc?: () => void }).gc;
    if (req.query.gc !== undefined && gc) gc();
    const memory = process.memoryUsage();
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    res.json({
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      sockets: deps.sockets(),
      storeUp: deps.isStoreUp(),
      eventLoopDelayMs: { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) },
    });
    if (req.query.reset !== undefined) loopDelay.reset();
  });

  router.get('/api/v1/ops/verify', operators, async (req, res) => {
    const day = dayParam(req, 'day') ?? deps.calendar.today(deps.clock());
    res.json(await auditDay({ ingest: deps.ingest, figures: deps.figures, archive: deps.archive }, day));
  });

  return Object.assign(router, { close: () => loopDelay.disable() });
}
