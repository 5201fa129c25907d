// HTTP calls to the API: Bearer token when the screen was opened with one, else the session cookie.
import { ERROR_CODES, type ErrorCode } from '../../../shared/errors.ts';
import type { Me } from '../../../shared/wire.ts';
import { t } from './i18n/index.svelte.ts';
import { withoutParam } from './query.ts';

const TOKEN_KEY = 'wallboard.token';

/** Takes `?token=` off the address bar (so it does not linger on a TV) and keeps it for this tab. */
export function adoptUrlToken(): string | undefined {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    // Taken off as written: re-encoding the rest would turn `?queues=a,b` into one id, `a%2Cb`.
    history.replaceState(null, '', url.pathname + withoutParam(url.search, 'token') + url.hash);
  }
  return fromUrl ?? sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(method: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), credentials: 'same-origin' });
  } catch {
    // The network's own words ("Failed to fetch") never reach the screen.
    throw new ApiError(0, t('connection.lost'));
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const data = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) throw new ApiError(res.status, refusalText(data));
  return data as T;
}

/** A refusal in the screen's language, by its code (shared/errors.ts); the server's sentence only as the detail. */
function refusalText(body: unknown): string {
  const { error, message, errors } = (body ?? {}) as { error?: unknown; message?: unknown; errors?: { message?: unknown }[] };
  const detail = typeof message === 'string' ? message : Array.isArray(errors) ? errors.map((e) => String(e.message)).join('; ') : '';
  if (typeof error === 'string' && (ERROR_CODES as readonly string[]).includes(error)) return t(`error.${error as ErrorCode}`, { detail });
  return t('error.generic');
}

/** Who is signed in (or whose token this is); sends people without one to the sign-in page. */
export async function whoAmI(token?: string): Promise<Me | null> {
  try {
    return await api<Me>('GET', '/api/v1/session', { token });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
      return null;
    }
    throw err;
  }
}

/** Fetches a CSV export with the screen's credentials and hands it to the browser as a file. */
export async function downloadCsv(path: string, filename: string, token?: string): Promise<void> {
  const headers: Record<string, string> = { accept: 'text/csv' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(path, { headers, credentials: 'same-origin' });
  if (!res.ok) throw new ApiError(res.status, ((await res.json().catch(() => ({}))) as { message?: string }).message ?? res.statusText);
  // A byte-order mark, so a spreadsheet reads the file as UTF-8 (accents, names in any script); the API sends none.
  const url = URL.createObjectURL(new Blob(['\uFEFF', await res.text()], { type: 'text/csv;charset=utf-8' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  link.click();
  URL.revokeObjectURL(url);
}
