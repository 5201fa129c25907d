// POST /api/v1/feeds/twilio: TaskRouter event callbacks, signed by the account (X-Twilio-Signature), through the
// same validation and all-or-nothing ingest as POST /api/v1/events; 204 once stored (or ignored), never before.
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import twilio from 'twilio';
import { FeedInputError } from '../adapters/feed.ts';
import { twilioFeed } from '../adapters/twilio.ts';
import type { TwilioFeedSettings } from '../settings.ts';
import { checkEvents, isStoreFailure, storeEvents, type EventsRouteDeps } from './events.ts';

export const TWILIO_FEED_PATH = '/api/v1/feeds/twilio';
/** TaskAttributes are at most 16 kB at Twilio; a callback is far below this. */
const MAX_BYTES = 1024 * 1024;

type FeedDeps = Pick<EventsRouteDeps, 'ingest' | 'isStoreUp' | 'onIngested' | 'maxFutureMs' | 'clock' | 'log'>;

/** A refusal with its status; its message names the field or the setting, never a secret. */
class FeedError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function twilioFeedRouter(deps: FeedDeps & { settings: TwilioFeedSettings | undefined }): Router {
  const router = Router();
  const { settings } = deps;
  const adapter = twilioFeed({ source: settings?.source, activities: settings?.activities });
  // `queue: must be 1 to 128 characters` → `TaskQueueName (queue): must be …`: the field as Twilio sent it.
  const namingSource = (message: string) =>
    message.replace(/(^|; )([A-Za-z]+)(?=[:.])/g, (_match, before: string, field: string) => {
      const source = adapter.sourceField?.(field);
      return before + (source ? `${source} (${field})` : field);
    });
  const authToken = settings?.authToken;
  router.post(
    TWILIO_FEED_PATH,
    // Anyone may call this route: whether the feed is on and the media type are checked before any body is read.
    (req: Request, _res: Response, next: NextFunction) => {
      if (!authToken) {
        return next(
          new FeedError(404, 'not_found', 'the Twilio feed is off: set WALLBOARD_TWILIO_AUTH_TOKEN (or feeds.twilio.authToken in the settings file)'),
        );
      }
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/x-www-form-urlencoded')
        return next(new FeedError(415, 'unsupported_media_type', 'TaskRouter callbacks are application/x-www-form-urlencoded'));
      next();
    },
    express.text({ type: () => true, limit: MAX_BYTES }),
    async (req: Request, res: Response, next: NextFunction) => {
      try {
        const body = typeof req.body === 'string' ? req.body : '';
        const url = settings?.publicUrl ?? `${req.protocol}://${req.host}${req.originalUrl}`;
        if (!signedByTwilio(authToken ?? '', req.get('x-twilio-signature') ?? '', url, body)) {
          // The URL checked, so an operator can tell a wrong public URL from a forged call; never the token.
          deps.log?.('twilio callback refused: the signature does not match', { url: clipped(url) });
          throw new FeedError(403, 'forbidden', 'X-Twilio-Signature is missing or does not match this body and URL for the configured auth token');
        }
        const raw = adapter.toEvents(adapter.read(body)!);
        if (raw.length > 0) {
          const { events, errors } = checkEvents(deps, raw);
          if (errors.length > 0) throw new FeedError(400, 'bad_request', errors.map((e) => namingSource(e.message)).join('; '));
          await storeEvents(deps, events);
        }
        // TaskRouter's reference asks for 204 with a JSON Content-Type.
        res.status(204).type('application/json').end();
      } catch (err) {
        next(err);
      }
    },
    feedErrors(deps.log),
  );
  return router;
}

/** twilio's own check; a URL it cannot parse (a garbled Host) is a signature that does not match, not a 500. */
function signedByTwilio(authToken: string, signature: string, url: string, body: string): boolean {
  try {
    return twilio.validateRequest(authToken, signature, url, signedParams(body));
  } catch {
    return false;
  }
}

/** Every parameter as Twilio signed it (a name sent twice has all its values), keyed on an object with no prototype. */
function signedParams(body: string): Record<string, string | string[]> {
  const params = Object.create(null) as Record<string, string | string[]>;
  for (const [name, value] of new URLSearchParams(body)) {
    const seen = params[name];
    params[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return params;
}

/** Answers in the ingest route's shape (`error`, `message` and `errors`); a store failure is 503 so Twilio sends it again. */
function feedErrors(log?: FeedDeps['log']) {
  return (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const send = (status: number, error: string, message: string) => void res.status(status).json({ error, message, errors: [{ message }] });
    if (err instanceof FeedError) return send(err.status, err.code, err.message);
    if (err instanceof FeedInputError) return send(400, 'bad_request', err.message);
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.too.large') return send(413, 'too_large', `the body is over ${MAX_BYTES / 1024 / 1024} MB`);
    if (e.status && e.status >= 400 && e.status < 500) return send(400, 'bad_request', 'the body could not be read');
    if (isStoreFailure(err)) {
      log?.('twilio callback not stored: the metrics store could not take it', {});
      return send(503, 'store_unavailable', 'the metrics store could not take this event; nothing was stored, Twilio may send it again');
    }
    next(err);
  };
}

/** A URL for the log: its Host and path are the caller's, so no more than a line's worth of them. */
function clipped(url: string): string {
  return url.length > 300 ? `${url.slice(0, 300)}… (${url.length} characters)` : url;
}
