// POSTs a batch of events to the wallboard and says what the answer means for the sender: done, retry, skip or stop.
import type { WallboardEvent } from '../../shared/events.ts';

export type SendOutcome =
  /** 202: the server stores every event of the batch. */
  | { kind: 'accepted'; accepted: number; duplicates: number }
  /** 400: the batch changed nothing; `index` names the bad event (absent when the whole body was refused). */
  | { kind: 'rejected'; errors: { index?: number; message: string }[] }
  /** Nothing stored, for now: network error, timeout, 408, 429 or 5xx. The same batch again is safe. */
  | { kind: 'retry'; reason: string }
  /** Sending again cannot help (401, 403, another 4xx). */
  | { kind: 'fatal'; reason: string };

export type SendEvents = (events: WallboardEvent[]) => Promise<SendOutcome>;

interface IngestSenderOptions {
  /** The wallboard's base URL, e.g. http://localhost:3000. */
  url: string;
  token: string;
  /** How long one POST may take, answer included (default 10 s). */
  timeoutMs?: number;
}

export function createIngestSender(opts: IngestSenderOptions): SendEvents {
  const endpoint = `${opts.url.replace(/\/$/, '')}/api/v1/events`;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return async (events) => {
    let status: number;
    let text: string;
    try {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${opts.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(events),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      const name = (err as Error).name;
      if (name === 'TimeoutError') return { kind: 'retry', reason: `no answer from ${endpoint} within ${timeoutMs} ms` };
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      return { kind: 'retry', reason: `${endpoint} unreachable: ${cause?.code ?? cause?.message ?? (err as Error).message}` };
    }
    return outcomeOf(status, text, endpoint);
  };
}

function outcomeOf(status: number, text: string, endpoint: string): SendOutcome {
  const body = parseJson(text);
  if (status === 202) {
    const { accepted, duplicates } = (body ?? {}) as { accepted?: number; duplicates?: number };
    return { kind: 'accepted', accepted: accepted ?? 0, duplicates: duplicates ?? 0 };
  }
  if (status === 400) {
    const errors = (body as { errors?: { index?: number; message: string }[] } | null)?.errors;
    return { kind: 'rejected', errors: Array.isArray(errors) && errors.length > 0 ? errors : [{ message: text.slice(0, 200) }] };
  }
  if (status === 401 || status === 403) {
    return { kind: 'fatal', reason: `${endpoint} refused the ingest token (${status}): check WALLBOARD_INGEST_TOKEN` };
  }
  if (status === 408 || status === 429 || status >= 500) return { kind: 'retry', reason: `${endpoint} answered ${status}` };
  return { kind: 'fatal', reason: `${endpoint} answered ${status}: ${text.slice(0, 200)}` };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
