// Errors that cross the wire: a closed set of codes with a human message; nothing internal leaks.
import type { ErrorRequestHandler, Response } from 'express';
import { PromptError } from '../live/prompts.ts';

export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'unsupported_media_type'
  | 'too_many_requests'
  | 'store_unavailable'
  | 'internal';

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

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
  get status(): number {
    return STATUS[this.code];
  }
}

export function sendError(res: Response, error: ApiError): void {
  res.status(error.status).json({ error: error.code, message: error.message, ...error.details });
}

/** Redis is unreachable when ioredis refuses a command offline or the connection drops mid-command. */
export function isStoreDown(err: unknown): boolean {
  const message = err instanceof Error ? err.message : '';
  return /Stream isn't writeable|Connection is closed|ECONNREFUSED|ECONNRESET|enableOfflineQueue|max retries|MaxRetriesPerRequest|NOSCRIPT|LOADING|ETIMEDOUT|EPIPE/i.test(
    message,
  );
}

/** A byte limit as people write it: 100 kB, 10 MB. */
function sizeOf(bytes: number | undefined): string {
  if (!bytes) return 'the size limit';
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} kB`;
}

export function errorHandler(log: (msg: string, extra?: Record<string, unknown>) => void): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    if (err instanceof ApiError) return sendError(res, err);
    if (err instanceof PromptError) return sendError(res, new ApiError(err.code, err.message));
    const e = err as { type?: string; status?: number; limit?: number };
    if (e.type === 'entity.too.large') return sendError(res, new ApiError('too_large', `the body is over ${sizeOf(e.limit)}, the most this route takes`));
    if (e.type === 'entity.parse.failed') return sendError(res, new ApiError('bad_request', 'body is not valid JSON'));
    if (e.status && e.status >= 400 && e.status < 500) return sendError(res, new ApiError('bad_request', 'malformed request'));
    if (isStoreDown(err)) return sendError(res, new ApiError('store_unavailable', 'the metrics store is unreachable; retry later'));
    log('request failed', { error: err instanceof Error ? err.message : String(err) });
    sendError(res, new ApiError('internal', 'internal error'));
  };
}
