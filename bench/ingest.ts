// npm run bench:ingest — events per second through HTTP into Redis, and Redis memory per 10,000 calls.
import { Redis } from 'ioredis';
import { batchesOf, calls } from './generate.ts';
import { postBatch, postBatches, startBenchServer } from './server.ts';

const CONCURRENCY = Number(process.env.SENDERS ?? 4);
const server = await startBenchServer();
const redis = new Redis(server.redisUrl);

async function run(batchSize: number, totalEvents: number, tag: string) {
  const source = calls({
    queues: ['sales', 'support', 'billing', 'retention'],
    agents: Array.from({ length: 200 }, (_, i) => `agent${i}`),
    // Far enough back that the whole run's calls end before now: the server refuses ts > now + 15 min.
    start: Date.now() - 6 * 3600_000,
    tag,
  });
  const bodies = batchesOf(source, batchSize, Math.ceil(totalEvents / batchSize)).map((b) => JSON.stringify(b));
  await postBatch(server, bodies.shift()!); // warm up
  const started = performance.now();
  await postBatches(server, bodies, CONCURRENCY);
  const seconds = (performance.now() - started) / 1000;
  const events = bodies.length * batchSize;
  console.log(
    `batches of ${String(batchSize).padStart(5)}: ${events} events in ${seconds.toFixed(2)} s = ${Math.round(events / seconds)} events/s (${CONCURRENCY} senders)`,
  );
}

await run(100, 60_000, 'b100');
await run(1000, 100_000, 'b1000');
// Where the time went on the Redis side: the batch script's cost per call and Redis's own CPU.
const stats = await redis.info('commandstats');
const script = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(stats);
const cpu = /used_cpu_user:([\d.]+)/.exec(await redis.info('cpu'));
if (script) console.log(`redis: ${script[1]} batch scripts, ${(Number(script[2]) / 1e6).toFixed(2)} s inside them; redis-server CPU ${cpu?.[1] ?? '?'} s user`);

// Memory: 10,000 more calls, measured as the growth of Redis's used memory.
await redis.call('MEMORY', 'PURGE').catch(() => undefined);
const before = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
const source = calls({
  queues: ['sales', 'support', 'billing', 'retention'],
  agents: Array.from({ length: 200 }, (_, i) => `agent${i}`),
  start: Date.now() - 7200_000,
  tag: 'mem',
});
let events = 0;
for (let c = 0; c < 10_000; c += 200) {
  const batch = Array.from({ length: 200 }, () => source.next().value!).flat();
  events += batch.length;
  await postBatch(server, JSON.stringify(batch));
}
const after = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
console.log(
  `redis memory for 10,000 calls (${events} events): ${((after - before) / 1024 / 1024).toFixed(1)} MB (${Math.round((after - before) / 10_000)} bytes per call)`,
);
redis.disconnect();
await server.stop();
