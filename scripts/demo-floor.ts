// The demo's simulator, a child of `npm run demo`: feeds the server the simulated floor until stopped.
// Environment: URL, WALLBOARD_INGEST_TOKEN, WALLBOARD_TZ, DEMO_SEED, DEMO_SPEED.
import { createFeed } from './lib/floor/feed.ts';

const feed = createFeed({
  url: process.env.URL ?? 'http://localhost:3000',
  token: process.env.WALLBOARD_INGEST_TOKEN ?? '',
  tz: process.env.WALLBOARD_TZ ?? 'UTC',
  seed: process.env.DEMO_SEED ?? 'demo',
  speed: Number(process.env.DEMO_SPEED ?? 1),
  log: (line) => process.stdout.write(`${line}\n`),
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(0));

const first = await feed.tick();
process.stdout.write(`floor: sent ${first} events of the day so far; now live\n`);
for (;;) {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await feed.tick();
}
