// `npm run export -- --from YYYY-MM-DD --to YYYY-MM-DD [--out file]`: the figures, call records and stored events of a
// range of days from a running server, as NDJSON (stdout unless --out). WALLBOARD_API_TOKEN: a supervisor's token.
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const url = process.env.URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
const option = (name: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
};

async function main(): Promise<number> {
  const [from, to, out, token] = [option('from'), option('to'), option('out'), process.env.WALLBOARD_API_TOKEN];
  if (!token || !from || !to) {
    console.error('usage: WALLBOARD_API_TOKEN=… npm run export -- --from YYYY-MM-DD --to YYYY-MM-DD [--out file.ndjson]');
    return 2;
  }
  const res = await fetch(`${url}/api/v1/ops/export?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (res.status !== 200 || !res.body) {
    console.error(`GET /api/v1/ops/export answered ${res.status}: ${await res.text()}`);
    return 1;
  }
  await pipeline(Readable.fromWeb(res.body as Parameters<typeof Readable.fromWeb>[0]), out ? createWriteStream(out) : process.stdout);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`export: ${err.message} (is the server running at ${url}?)`);
    process.exit(2);
  },
);
