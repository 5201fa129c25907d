// `npm run import -- file.ndjson` (or the export on stdin): writes an export back into a running server's store.
// Idempotent: running it twice changes nothing more. WALLBOARD_API_TOKEN: a supervisor's token.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';

const url = process.env.URL ?? `http://localhost:${process.env.PORT ?? 3000}`;

async function main(): Promise<number> {
  const token = process.env.WALLBOARD_API_TOKEN;
  const file = process.argv.slice(2).find((a) => !a.startsWith('--'));
  if (!token) {
    console.error('usage: WALLBOARD_API_TOKEN=… npm run import -- file.ndjson   (or the export on stdin)');
    return 2;
  }
  const input = file ? createReadStream(file) : process.stdin;
  const res = await fetch(`${url}/api/v1/ops/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
    body: Readable.toWeb(input) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  const text = await res.text();
  if (res.status !== 200) {
    console.error(`POST /api/v1/ops/import answered ${res.status}: ${text}`);
    return 1;
  }
  console.log(text);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`import: ${err.message} (is the server running at ${url}?)`);
    process.exit(2);
  },
);
