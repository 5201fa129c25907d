// `npm run import:asterisk -- <queue_log> [--follow] [--wrap-seconds N] [--source NAME]`: sends an Asterisk
// queue_log (native pipe format or the CSV export of the queue_log table) to the wallboard; with --follow it
// keeps reading lines as Asterisk appends them. Re-sending is safe: event ids come from the lines.
import { open, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { queueLogToEvents, type AsteriskOptions } from '../server/adapters/asterisk.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { follow: { type: 'boolean', default: false }, 'wrap-seconds': { type: 'string', default: '0' }, source: { type: 'string', default: 'asterisk' } },
});
const file = positionals[0];
const token = process.env.WALLBOARD_INGEST_TOKEN;
const url = process.env.URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
if (!file || !token) {
  console.error(
    'Usage: WALLBOARD_INGEST_TOKEN=… [URL=http://localhost:3000] npm run import:asterisk -- /var/log/asterisk/queue_log [--follow] [--wrap-seconds 10]',
  );
  process.exit(2);
}
const opts: AsteriskOptions = { source: values.source, wrapSeconds: Number(values['wrap-seconds']) };

async function send(text: string): Promise<void> {
  const events = queueLogToEvents(text, opts);
  for (let at = 0; at < events.length; at += 5000) {
    const chunk = events.slice(at, at + 5000);
    for (;;) {
      const res = await fetch(`${url}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(chunk),
      });
      if (res.status === 202) {
        const { accepted, duplicates } = (await res.json()) as { accepted: number; duplicates: number };
        console.log(`sent ${chunk.length} events: ${accepted} accepted, ${duplicates} duplicates`);
        break;
      }
      if (res.status !== 503) throw new Error(`POST /api/v1/events answered ${res.status}: ${await res.text()}`);
      await new Promise((resolve) => setTimeout(resolve, 2000)); // the store is down: the same batch again, ids make it safe
    }
  }
}

let offset = 0;
let partial = '';
async function readNew(): Promise<void> {
  const size = (await stat(file!)).size;
  if (size < offset) offset = 0; // the log was rotated
  if (size === offset) return;
  const handle = await open(file!, 'r');
  const buffer = Buffer.alloc(size - offset);
  await handle.read(buffer, 0, buffer.length, offset);
  await handle.close();
  offset = size;
  const text = partial + buffer.toString('utf8');
  const cut = text.lastIndexOf('\n');
  partial = cut === -1 ? text : text.slice(cut + 1);
  if (cut !== -1) await send(text.slice(0, cut));
}

await readNew();
if (partial && !values.follow) await send(partial);
if (values.follow) {
  console.log(`following ${file}…`);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await readNew().catch((err: Error) => console.error(err.message));
  }
}
