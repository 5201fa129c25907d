// `npm run import:asterisk -- <queue_log> [--follow] [--checkpoint PATH] [--poll-ms N] [--batch-lines N] [--wrap-seconds N] [--source NAME]`:
// sends an Asterisk queue_log (native pipe format or the CSV export of the queue_log table) to the wallboard; with
// --follow it keeps reading lines as Asterisk appends them, checkpointing what the server acknowledged.
import { parseArgs } from 'node:util';
import { asteriskFeed, type AsteriskOptions } from '../server/adapters/asterisk.ts';
import { feedEvents } from '../server/adapters/feed.ts';
import { createIngestSender } from './lib/ingestSender.ts';
import { createQueueLogFollower, FollowerFatalError } from './lib/queueLogFollower.ts';

const usage =
  'Usage: WALLBOARD_INGEST_TOKEN=… [URL=http://localhost:3000] npm run import:asterisk -- /var/log/asterisk/queue_log ' +
  '[--follow] [--checkpoint PATH] [--poll-ms 1000] [--batch-lines 500] [--wrap-seconds 10] [--source asterisk]';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    follow: { type: 'boolean', default: false },
    checkpoint: { type: 'string' },
    'poll-ms': { type: 'string', default: '1000' },
    'batch-lines': { type: 'string', default: '500' },
    'wrap-seconds': { type: 'string', default: '0' },
    source: { type: 'string', default: 'asterisk' },
  },
});
const file = positionals[0];
const token = process.env.WALLBOARD_INGEST_TOKEN;
const url = process.env.URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
const pollMs = Number(values['poll-ms']);
const maxLines = Number(values['batch-lines']);
if (!file || !token || !(pollMs > 0) || !(Number.isInteger(maxLines) && maxLines > 0)) {
  console.error(usage);
  process.exit(2);
}
const opts: AsteriskOptions = { source: values.source, wrapSeconds: Number(values['wrap-seconds']) };
// The same adapter interface as every feed (server/adapters/feed.ts): a unit is one queue_log line.
const feed = asteriskFeed(opts);
// A follower always keeps a checkpoint; a one-shot import only when asked to.
const checkpointFile = values.checkpoint ?? (values.follow ? `${file}.wallboard-checkpoint` : null);

const follower = createQueueLogFollower({
  file,
  checkpointFile,
  send: createIngestSender({ url, token }),
  eventsOf: (line) => feedEvents(feed, [line]),
  follow: values.follow,
  pollMs,
  limits: { maxLines },
  log: { info: (m) => console.log(m), warn: (m) => console.warn(m), error: (m) => console.error(m) },
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => follower.stop());

if (values.follow) console.log(`following ${file} (checkpoint ${checkpointFile})…`);
try {
  const totals = await follower.run();
  console.log(
    `done: ${totals.lines} lines read, ${totals.rejectedLines} rejected; ${totals.events} events sent ` +
      `(${totals.accepted} accepted, ${totals.duplicates} duplicates)`,
  );
} catch (err) {
  console.error(err instanceof FollowerFatalError ? `stopped: ${err.message}` : err);
  process.exit(1);
}
