// Errors that cross the wire: a closed set of codes with a human message; nothing internal leaks.
import type { ErrorRequestHandler, Response } from 'express';
import type { ErrorCode } from '../../shared/errors.ts';
import { DomainError } from '../domain/errors.ts';
import { isStoreDown } from '../redis/errors.ts';

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  store_unavailable: 503,
  internal: 500,
};

/** The HTTP status of a domain error's code: the one mapping from codes to statuses. */
export const statusOf = (code: ErrorCode): number => STATUS[code];

function sendError(res: Response, error: DomainError): void {
  res.status(statusOf(error.code)).json({ error: error.code, message: error.message, ...error.details });
}

/** A byte limit as people write it: 100 kB, 10 MB. */
function sizeOf(bytes: number | undefined): string {
  if (!bytes) return 'the size limit';
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} kB`;
}

export function errorHandler(log: (msg: string, extra?: Record<string, unknown>) => void): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    if (err instanceof DomainError) return sendError(res, err);
    const e = err as { type?: string; status?: number; limit?: number };
    if (e.type === 'entity.too.large') return sendError(res, new DomainError('too_large', `the body is over ${sizeOf(e.limit)}, the most this route takes`));
    if (e.type === 'entity.parse.failed') return sendError(res, new DomainError('bad_request', 'body is not valid JSON'));
    if (e.status && e.status >= 400 && e.status < 500) return sendError(res, new DomainError('bad_request', 'malformed request'));
    if (isStoreDown(err)) return sendError(res, new DomainError('store_unavailable', 'the metrics store is unreachable; retry later'));
    log('request failed', { error: err instanceof Error ? err.message : String(err) });
    sendError(res, new DomainError('internal', 'internal error'));
  };
}
