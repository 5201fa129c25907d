// The demo's simulator, a child of `npm run demo`: feeds the server the simulated floor until stopped.
// Environment: URL, WALLBOARD_INGEST_TOKEN, WALLBOARD_TZ, DEMO_SEED, DEMO_SPEED.
import { createFeed } from './lib/floor/feed.ts';

const speed = Number(process.env.DEMO_SPEED ?? 1);
const feed = createFeed({
  url: process.env.URL ?? 'http://localhost:3000',
  token: process.env.WALLBOARD_INGEST_TOKEN ?? '',
  tz: process.env.WALLBOARD_TZ ?? 'UTC',
  seed: process.env.DEMO_SEED ?? 'demo',
  speed,
  log: (line) => process.stdout.write(`${line}\n`),
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(0));

const first = await feed.tick();
// The replay starts an hour behind the clock and gains (speed − 1) minutes a minute.
const catchUp = Math.ceil(60 / (speed - 1));
process.stdout.write(
  speed > 1
    ? `floor: sent ${first} events up to an hour ago; replaying the last hour at ${speed}×, live in ${catchUp} min\n`
    : `floor: sent ${first} events of the day so far; now live\n`,
);
for (;;) {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await feed.tick();
}
