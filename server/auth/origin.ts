// Same-origin checks for callers that ride on a cookie (browsers), shared by HTTP and Socket.IO.

/** Whether an Origin header (absent is fine: not a browser's cross-site request) names the host the request came to. */
export function originMatches(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (!host) return false;
  try {
    const expected = host.toLowerCase().replace(/:(80|443)$/, '');
    return new URL(origin).host === expected;
  } catch {
    return false;
  }
}
