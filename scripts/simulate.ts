// `npm run simulate`: feeds a wallboard that is already running (`npm start`) the demo's simulated floor
// (scripts/lib/floor): the day so far at once, then live. `npm run demo` does this on a server of its own.
// Usage: WALLBOARD_INGEST_TOKEN=… [URL=http://localhost:3000] [WALLBOARD_TZ=<the server's>] npm run simulate [-- --seed NAME] [-- --speed N]
import { parseArgs } from 'node:util';
import { createFeed } from './lib/floor/feed.ts';

const { values: args } = parseArgs({ options: { seed: { type: 'string', default: 'demo' }, speed: { type: 'string', default: '1' } } });
const url = process.env.URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
const token = process.env.WALLBOARD_INGEST_TOKEN;
if (!token) {
  console.error('Set WALLBOARD_INGEST_TOKEN to the server’s ingest token.');
  process.exit(1);
}
const tz = process.env.WALLBOARD_TZ || 'UTC';
const feed = createFeed({ url, token, tz, seed: args.seed, speed: Number(args.speed), log: (line) => console.log(line) });
console.log(`Simulating the demo centre (07:00–20:00 in ${tz}, seed "${args.seed}") against ${url} (Ctrl-C to stop)…`);
console.log(`Sent ${await feed.tick()} events of the day so far; now live.`);
for (;;) {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await feed.tick();
}
