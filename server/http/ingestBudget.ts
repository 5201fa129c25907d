// How many bytes of ingest bodies one instance takes in at once: each batch is parsed, planned and scripted whole, so
// twenty 10 MB batches at once took 2 GB and held Redis past the health check; the rest wait for a 503 and resend.
import type { NextFunction, Request, Response } from 'express';

/** Answered when the budget is spent: nothing was read or stored, and the sender sends the same batch again. */
export class IngestBusyError extends Error {
  readonly status = 503;
}

/**
 * Reserves a request's declared `Content-Length` (a body without one: `maxBodyBytes`) before its body is read, and
 * gives it back when the answer is sent or the connection ends. One request is always let in, whatever its size.
 */
export function ingestBudget(maxInflightBytes: number, maxBodyBytes: number) {
  let inflight = 0;
  return (req: Request, res: Response, next: NextFunction): void => {
    if (maxInflightBytes <= 0) return next();
    const declared = Number(req.headers['content-length']);
    const bytes = Number.isFinite(declared) && declared >= 0 ? Math.min(declared, maxBodyBytes) : maxBodyBytes;
    if (inflight > 0 && inflight + bytes > maxInflightBytes) {
      res.setHeader('Retry-After', '1');
      return next(
        new IngestBusyError(`busy: other batches (${Math.ceil(inflight / 1024 / 1024)} MB) are being stored; nothing was stored: send this one again`),
      );
    }
    inflight += bytes;
    res.once('close', () => (inflight -= bytes));
    next();
  };
}
