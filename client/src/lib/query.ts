// The address's query read as written: `?queues=a,b` is a list split on its literal commas, so an id with a comma in
// it is written with the comma escaped (`a%2Cb`); and a parameter taken off keeps the others exactly as they were.

function parts(search: string): string[] {
  return search.replace(/^\?/, '').split('&').filter(Boolean);
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

const named = (name: string) => (part: string) => decode(part.split('=')[0]!) === name;

/** The comma list of parameter `name` (each item decoded after splitting), or null when the address has none. */
export function listParam(search: string, name: string): string[] | null {
  const part = parts(search).find(named(name));
  if (part === undefined) return null;
  const value = part.includes('=') ? part.slice(part.indexOf('=') + 1) : '';
  return value
    .split(',')
    .map((item) => decode(item).trim())
    .filter(Boolean);
}

/** The query without parameter `name` ('' when nothing is left), the rest untouched (not re-encoded). */
export function withoutParam(search: string, name: string): string {
  const rest = parts(search).filter((part) => !named(name)(part));
  return rest.length ? `?${rest.join('&')}` : '';
}
