// POST /api/v1/events: validates a whole batch (JSON array or NDJSON), then stores it; all or nothing.
import express, { Router } from 'express';
import { parseEvent, type EventError, type StoredEvent } from '../../shared/events.ts';
import type { EventStore, IngestResult } from '../redis/eventStore.ts';
import { requireRole } from './authenticate.ts';
import { ApiError } from './errors.ts';

export const MAX_EVENTS = 10_000;
export const MAX_BYTES = 10 * 1024 * 1024;

export interface EventsRouteDeps {
  store: EventStore;
  isStoreUp: () => boolean;
  onIngested: (result: IngestResult) => void;
}

export function eventsRouter(deps: EventsRouteDeps): Router {
  const router = Router();
  router.post('/api/v1/events', requireRole('ingest', 'admin'), express.text({ type: () => true, limit: MAX_BYTES }), async (req, res, next) => {
    try {
      const raw = parseBody(typeof req.body === 'string' ? req.body : '', req.headers['content-type'] ?? '');
      if (raw.length > MAX_EVENTS) throw new ApiError('too_large', `a batch holds at most ${MAX_EVENTS} events; this one has ${raw.length}`);
      const events: StoredEvent[] = [];
      const errors: EventError[] = [];
      raw.forEach((item, index) => {
        if (item instanceof LineError) return errors.push({ index, message: item.message });
        const parsed = parseEvent(item, index);
        if (parsed.ok) events.push(parsed.event);
        else errors.push(parsed.error);
      });
      if (errors.length > 0) {
        res.status(400).json({ errors: errors.slice(0, 1000), ...(errors.length > 1000 ? { more: errors.length - 1000 } : {}) });
        return;
      }
      if (!deps.isStoreUp()) throw new ApiError('store_unavailable', 'the metrics store is unreachable; nothing was stored, retry the same batch');
      const result = await deps.store.ingest(events);
      deps.onIngested(result);
      res.status(202).json({ accepted: result.accepted, duplicates: result.duplicates });
    } catch (err) {
      next(err);
    }
  });
  return router;
}

class LineError {
  constructor(readonly message: string) {}
}

/** The batch's items: a JSON array, or one JSON object per line for NDJSON. */
function parseBody(body: string, contentType: string): unknown[] {
  if (body.trim() === '') throw new ApiError('bad_request', 'the body is empty: send a JSON array of events or NDJSON');
  const ndjson = /ndjson|jsonl|json-seq|jsonlines/i.test(contentType);
  if (ndjson) {
    return body
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '')
      .map((line) => {
        try {
          return JSON.parse(line) as unknown;
        } catch {
          return new LineError('line is not valid JSON');
        }
      });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new ApiError('bad_request', 'the body is not valid JSON (for one event per line, send Content-Type: application/x-ndjson)');
  }
  if (!Array.isArray(parsed)) throw new ApiError('bad_request', 'the body must be a JSON array of events');
  return parsed;
}
