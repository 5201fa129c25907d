// Where a sign-in may send the browser next: only a path on this origin, never another site.

/**
 * `next` when it is a same-origin path, else undefined. A path starts with one `/`; `//host` and `/\host`
 * are other sites to a browser, and browsers drop tabs and line breaks from URLs (so `/\t/host` is `//host`),
 * hence no control characters or backslashes at all.
 */
export function sameOriginPath(next: string | null | undefined): string | undefined {
  if (typeof next !== 'string' || !next.startsWith('/')) return undefined;
  if (next.startsWith('//') || next.includes('\\')) return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\s]/.test(next)) return undefined;
  return next;
}
