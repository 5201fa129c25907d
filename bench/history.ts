// npm run bench:history — Redis memory per month of history (day figures and call records) for 200 agents and
// 10,000 calls a day, measured on DAYS (default 3) whole days sent through HTTP, key by key with MEMORY USAGE.
import { Redis } from 'ioredis';
import { createCallLogArchive } from '../server/redis/callLogArchive.ts';
import { createStoreKeys } from '../server/redis/keys.ts';
import { defineScripts } from '../server/redis/scripts.ts';
import { calls } from './generate.ts';
import { startBenchServer } from './server.ts';

const DAYS = Number(process.env.DAYS ?? 3);
const CALLS_PER_DAY = 10_000;
const DAY_MS = 86_400_000;
const server = await startBenchServer();
const redis = new Redis(server.redisUrl);
const post = async (body: string) => {
  const res = await fetch(`${server.url}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.ingestToken}`, 'content-type': 'application/json' },
    body,
  });
  if (res.status !== 202) throw new Error(`POST answered ${res.status}: ${await res.text()}`);
};

// Whole UTC days, ending well before now (the server refuses ts > now + 15 min).
const firstDay = Math.floor(Date.now() / DAY_MS) * DAY_MS - (DAYS + 2) * DAY_MS;
const source = calls({
  queues: ['sales', 'support', 'billing', 'retention'],
  agents: Array.from({ length: 200 }, (_, i) => `agent${String(i).padStart(3, '0')}`),
  start: firstDay,
  tag: 'h',
  spacingMs: DAY_MS / CALLS_PER_DAY,
});
const started = performance.now();
let events = 0;
for (let c = 0; c < DAYS * CALLS_PER_DAY; c += 250) {
  const batch = Array.from({ length: 250 }, () => source.next().value!).flat();
  events += batch.length;
  await post(JSON.stringify(batch));
}
console.log(`sent ${DAYS * CALLS_PER_DAY} calls (${events} events) in ${((performance.now() - started) / 1000).toFixed(1)} s, one sender`);

/** Bytes by kind of key, from MEMORY USAGE (SAMPLES 0: every field counted). */
async function measure(): Promise<Map<string, number>> {
  const bytes = new Map<string, number>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const usage = Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
      const kind = /:i:call[sz]:/.test(key) ? 'call log' : /:i:/.test(key) ? 'day figures' : /:(ev|m):/.test(key) || /:ids$/.test(key) ? 'events' : 'other';
      bytes.set(kind, (bytes.get(kind) ?? 0) + usage);
    }
  } while (cursor !== '0');
  return bytes;
}
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
const perMonth = (n: number) => (n / DAYS) * (365.25 / 12);
function report(title: string, bytes: Map<string, number>): void {
  console.log(title);
  for (const [kind, n] of [...bytes].sort()) {
    console.log(`  ${kind.padEnd(12)} ${mb(n)} for ${DAYS} days = ${mb(perMonth(n))} a month (${Math.round(n / DAYS / CALLS_PER_DAY)} bytes a call)`);
  }
  const history = (bytes.get('call log') ?? 0) + (bytes.get('day figures') ?? 0);
  console.log(`  history (day figures + call log): ${mb(perMonth(history))} a month`);
}

report('as written (the call log of the last days, open):', await measure());
// What the hourly job does to days past the event retention, done here at once: archive each day's call log.
const keys = createStoreKeys('wb:');
defineScripts(redis);
const archive = createCallLogArchive({ redis, keys, ttlMs: 0 });
for (const day of await archive.openDaysBefore('9999-12-31')) await archive.compact(day);
report('settled (the call log archived, as for days past the event retention):', await measure());
const used = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
console.log(`redis used_memory: ${mb(used)}`);
redis.disconnect();
await server.stop();
