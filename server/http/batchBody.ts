// Reads an ingest body into its items (a JSON array, or NDJSON), refusing first what would only cost time to parse.

/** How deep a batch may nest arrays and objects: an event is one flat object, so this leaves room for any extra field. */
export const MAX_NESTING = 32;

/** A 4xx of the ingest route, answered in the contract's `{ errors: [{ message }] }` shape. */
export class IngestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** An NDJSON line that is not JSON: the batch's item at its index, reported as that index's error. */
export class LineError {
  constructor(readonly message: string) {}
}

/**
 * The deepest nesting of arrays and objects in a JSON text, in one pass that skips strings, stopping once past `limit`
 * (V8's JSON.parse takes seconds on millions of `[`). With `perLine`, each line counts alone (NDJSON).
 */
export function nestingDepth(text: string, limit: number, perLine = false): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22 || c === 0x0a) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest && (deepest = depth) > limit) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
    else if (c === 0x0a && perLine) depth = 0;
  }
  return deepest;
}

/** The batch's items: a JSON array, or one JSON value per line for NDJSON; at most `maxEvents`, counted before parsing. */
export function parseBatch(body: string, contentType: string, maxEvents: number): unknown[] {
  if (body.trim() === '') throw new IngestError(400, 'the body is empty: send a JSON array of events or NDJSON');
  const ndjson = /ndjson/i.test(contentType);
  if (nestingDepth(body, MAX_NESTING, ndjson) > MAX_NESTING) {
    throw new IngestError(400, `the body nests arrays or objects more than ${MAX_NESTING} deep; an event is one JSON object`);
  }
  if (ndjson) {
    // Counted in one pass first: splitting millions of lines alone takes seconds.
    tooMany(linesWithContent(body), maxEvents);
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
    throw new IngestError(400, 'the body is not valid JSON (for one event per line, send Content-Type: application/x-ndjson)');
  }
  if (!Array.isArray(parsed)) throw new IngestError(400, 'the body must be a JSON array of events');
  tooMany(parsed.length, maxEvents);
  return parsed;
}

/** How many lines hold more than white space (the lines String.trim would keep), without splitting the text. */
export function linesWithContent(text: string): number {
  let count = 0;
  let content = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      if (content) count++;
      content = false;
    } else if (!content && c !== 0x20 && c !== 0x09 && c !== 0x0d && (c < 0x80 || !/\s/.test(text[i]!))) content = true;
  }
  return content ? count + 1 : count;
}

function tooMany(count: number, maxEvents: number): void {
  if (count > maxEvents) throw new IngestError(413, `a batch holds at most ${maxEvents} events; this one has ${count}`);
}
