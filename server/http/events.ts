// POST /api/v1/events: validates a whole batch (JSON array or NDJSON), then stores it; all or nothing.
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { DEFAULT_MAX_FUTURE_MS, parseEvent, type EventError, type StoredEvent } from '../../shared/events.ts';
import type { Ingest, IngestResult } from '../domain/ingest.ts';
import { requireRole } from './authenticate.ts';
import { DomainError } from '../domain/errors.ts';
import { BatchRefusedError, BatchTooLateError, isStoreDown, ReplicaNotConfirmedError } from '../redis/errors.ts';
import { statusOf } from './errors.ts';
import { IngestError, LineError, parseBatch } from './batchBody.ts';
import { ingestBudget, IngestBusyError } from './ingestBudget.ts';

const MAX_EVENTS = 10_000;
const MAX_BYTES = 10 * 1024 * 1024;
const DEFAULT_MAX_INFLIGHT_BYTES = 32 * 1024 * 1024;
/** How many errors a 400 lists; `more` counts the rest. */
const MAX_ERRORS = 1000;

export interface EventsRouteDeps {
  ingest: Ingest;
  isStoreUp: () => boolean;
  onIngested: (result: IngestResult) => void;
  /** How far past the server's clock a `ts` may be, ms (default 15 minutes). */
  maxFutureMs?: number;
  /** WALLBOARD_INGEST_MAX_INFLIGHT_MB in bytes: ingest bodies taken in at once (0: no limit; default 32 MiB). */
  maxInflightBytes?: number;
  /** The server's clock, for the window a `ts` must fall in. */
  clock?: () => number;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
}

export function eventsRouter(deps: EventsRouteDeps): Router {
  const router = Router();
  router.post(
    '/api/v1/events',
    tokensOnly,
    requireRole('ingest', 'admin'),
    acceptedMediaTypes,
    ingestBudget(deps.maxInflightBytes ?? DEFAULT_MAX_INFLIGHT_BYTES, MAX_BYTES),
    express.text({ type: () => true, limit: MAX_BYTES }),
    async (req: Request, res: Response, next: NextFunction) => {
      try {
        const raw = parseBatch(typeof req.body === 'string' ? req.body : '', req.headers['content-type'] ?? '', MAX_EVENTS);
        const { events, errors } = checkEvents(deps, raw);
        if (errors.length > 0) {
          res.status(400).json({ errors: errors.slice(0, MAX_ERRORS), ...(errors.length > MAX_ERRORS ? { more: errors.length - MAX_ERRORS } : {}) });
          return;
        }
        const result = await storeEvents(deps, events);
        res.status(202).json({ accepted: result.accepted, duplicates: result.duplicates });
      } catch (err) {
        next(err);
      }
    },
    ingestErrors(deps.log),
  );
  return router;
}

/** Validates raw events as the contract says (ids, types, `ts` window); every feed goes through this too. */
export function checkEvents(deps: Pick<EventsRouteDeps, 'clock' | 'maxFutureMs'>, raw: readonly unknown[]): { events: StoredEvent[]; errors: EventError[] } {
  const events: StoredEvent[] = [];
  const errors: EventError[] = [];
  const options = { now: (deps.clock ?? Date.now)(), maxFutureMs: deps.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS };
  raw.forEach((item, index) => {
    if (item instanceof LineError) return errors.push({ index, message: item.message });
    const parsed = parseEvent(item, index, options);
    if (parsed.ok) events.push(parsed.event);
    else errors.push(parsed.error);
  });
  return { events, errors };
}

/** Stores a valid batch all or nothing and tells the live layer; throws when the store cannot take it (nothing stored). */
export async function storeEvents(deps: Pick<EventsRouteDeps, 'ingest' | 'isStoreUp' | 'onIngested'>, events: StoredEvent[]): Promise<IngestResult> {
  if (!deps.isStoreUp()) throw new DomainError('store_unavailable', 'the metrics store is unreachable; nothing was stored: send the batch again');
  const result = await deps.ingest.ingest(events);
  deps.onIngested(result);
  return result;
}

/** Whether an error means the store did not take the batch (down, or a script that refused it): a 503, nothing stored. */
export function isStoreFailure(err: unknown): boolean {
  return err instanceof BatchRefusedError || isStoreDown(err) || (err instanceof DomainError && err.code === 'store_unavailable');
}

/** Ingest takes machine tokens only: a session cookie (a person's browser) cannot send events. */
function tokensOnly(req: Request, _res: Response, next: NextFunction): void {
  if (req.principal && !req.principal.sessionId) return next();
  next(new IngestError(401, 'sending events takes Authorization: Bearer <ingest token>'));
}

function acceptedMediaTypes(req: Request, _res: Response, next: NextFunction): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type === 'application/x-ndjson') return next();
  next(new IngestError(415, `Content-Type must be application/json or application/x-ndjson, not ${JSON.stringify(type || '(none)')}`));
}

/** Answers this route's errors in the contract's `{ errors }` shape; store failures are 503 with nothing stored. */
function ingestErrors(log?: EventsRouteDeps['log']) {
  return (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const body = (message: string) => ({ errors: [{ message }] });
    if (err instanceof IngestError) return void res.status(err.status).json(body(err.message));
    if (err instanceof IngestBusyError) return void res.status(503).json({ error: 'store_unavailable', message: err.message, ...body(err.message) });
    if (err instanceof DomainError) return void res.status(statusOf(err.code)).json({ error: err.code, message: err.message, ...body(err.message) });
    const e = err as { type?: string; limit?: number; status?: number };
    if (e.type === 'entity.too.large') return void res.status(413).json(body(`the body is over ${MAX_BYTES / 1024 / 1024} MB, the most one batch may be`));
    if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') return void res.status(415).json(body('the body must be UTF-8'));
    if (e.status && e.status >= 400 && e.status < 500) return void res.status(400).json(body('the body could not be read'));
    if (err instanceof BatchRefusedError || isStoreDown(err)) {
      if (err instanceof BatchTooLateError && err.unconfirmed) log?.('batch taken as not stored: no reply, and not read back', { reason: err.message });
      else if (err instanceof BatchRefusedError) log?.('batch refused by the store; nothing written', { reason: err.message });
      if (err instanceof ReplicaNotConfirmedError) log?.('batch not confirmed by a replica', { reason: err.message });
      // Only an unconfirmed replica leaves the batch written (on the primary): every other 503 stored nothing, for good.
      const message =
        err instanceof ReplicaNotConfirmedError
          ? 'a replica did not confirm this batch in time, though the primary stored it; retry the same batch: its events count as duplicates'
          : 'the metrics store could not take this batch; nothing was stored: send it again';
      return void res.status(503).json({ error: 'store_unavailable', message, ...body(message) });
    }
    next(err);
  };
}
