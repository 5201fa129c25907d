// npm run bench — one report: ingest, live pushes at N clients on one and two instances each beside a bare Socket.IO
// baseline measured in the same run (the ratios are what travel between machines), and the read cost and size of
// `all`, a queue and a team at 200, 1,000 and 3,000 agents. CLIENTS, RATE, SECONDS, ROUNDS and SIZES change the load.
import { spawn } from 'node:child_process';
import { startEmbeddedRedis } from '../server/redis/embedded.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measurePush, pooled, type PushFigures, type PushTarget } from './push.ts';
import { measureReads } from './reads.ts';
import { postBatches, startBenchServer } from './server.ts';

const CLIENTS = Number(process.env.CLIENTS ?? 1000);
const RATE = Number(process.env.RATE ?? 300);
const SECONDS = Number(process.env.SECONDS ?? 20);
/** Each push run is made this many times, bare and wallboard alternating; a kind's runs are pooled (push.ts `pooled`). */
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const SIZES = (process.env.SIZES ?? '200:5,1000:25,3000:75').split(',').map((s) => s.split(':').map(Number) as [number, number]);

/** The bare baseline's instances, against one Redis (its adapter) when there are two. */
async function startBare(count: number) {
  const dir = await mkdtemp(join(tmpdir(), 'wallboard-bare-'));
  const redis = count > 1 ? await startEmbeddedRedis({ dir }) : undefined;
  const children = await Promise.all(
    Array.from({ length: count }, async () => {
      const child = spawn(process.execPath, ['--max-semi-space-size=32', '--expose-gc', '--import', 'tsx', 'bench/bareServer.ts'], {
        env: { ...process.env, ...(redis ? { REDIS_URL: redis.url } : {}) },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const url = await new Promise<string>((resolve) => child.stdout!.once('data', (c: Buffer) => resolve((JSON.parse(c.toString()) as { url: string }).url)));
      return { child, url };
    }),
  );
  return {
    urls: children.map((c) => c.url),
    async stop() {
      for (const { child } of children) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      await redis?.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function startApps(count: number) {
  const first = await startBenchServer();
  const rest = await Promise.all(Array.from({ length: count - 1 }, () => startBenchServer({ redisUrl: first.redisUrl })));
  return {
    urls: [first, ...rest].map((s) => s.url),
    async stop() {
      for (const s of rest) await s.stop();
      await first.stop();
    },
  };
}

async function pushRun(kind: PushTarget['kind'], instances: number, clients: number): Promise<PushFigures> {
  const servers = kind === 'app' ? await startApps(instances) : await startBare(instances);
  try {
    return await measurePush({ kind, urls: servers.urls }, { clients, rate: RATE, seconds: SECONDS, tag: `${kind}${instances}` });
  } finally {
    await servers.stop();
  }
}

const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '–');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');

console.log(
  `# npm run bench — ${new Date().toISOString()}, ${CLIENTS} clients per instance, ${RATE} events/s, ${SECONDS} s a run (after 2 s of warm-up), ${ROUNDS} rounds\n`,
);
const ingest = await ingestRate();
console.log(`ingest: ${f0(ingest)} events/s (batches of 1,000, 4 senders, fsync always)\n`);

// Bare and wallboard alternate, so a neighbour's load falls on both alike; each kind's rounds are pooled.
const runs: { name: string; figures: PushFigures }[] = [];
for (const instances of [1, 2]) {
  const rounds = { bare: [] as PushFigures[], app: [] as PushFigures[] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of ['bare', 'app'] as const) rounds[kind].push(await pushRun(kind, instances, CLIENTS * instances));
  }
  for (const kind of ['bare', 'app'] as const)
    runs.push({ name: `${kind === 'app' ? 'wallboard' : 'bare Socket.IO'} × ${instances}`, figures: pooled(rounds[kind]) });
}
console.log('| run | clients | POST→push p50 | p99 | samples | pushes/s delivered | event-loop p99 | heap / client | RSS / client |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const { name, figures: r } of runs) {
  console.log(
    `| ${name} | ${r.clients} | ${f0(r.p50)} ms | ${f0(r.p99)} ms | ${r.samples} | ${f0(r.pushesPerSecond)} | ${f1(r.loopP99)} ms | ${f1(r.heapPerClientKB)} KB | ${f1(r.rssPerClientKB)} KB |`,
  );
}
const [bare1, app1, bare2, app2] = runs.map((r) => r.figures) as [PushFigures, PushFigures, PushFigures, PushFigures];
console.log(`\nwallboard p99 / bare p99: one instance ${(app1.p99 / bare1.p99).toFixed(2)}× (goal ≤ 2), two ${(app2.p99 / bare2.p99).toFixed(2)}×`);
console.log(
  `two instances / one, pushes delivered: wallboard ${(app2.pushesPerSecond / app1.pushesPerSecond).toFixed(2)}× at p99 ${f0(app2.p99)} against ${f0(app1.p99)} ms (goal ≥ 1.6 at equal p99); bare ${(bare2.pushesPerSecond / bare1.pushesPerSecond).toFixed(2)}×\n`,
);

console.log('| agents | queues | scope | read | size | delta push |');
console.log('| ---: | ---: | --- | ---: | ---: | ---: |');
for (const [agents, queues] of SIZES) {
  const r = await measureReads(agents, queues);
  for (const s of r.scopes)
    console.log(`| ${agents} | ${queues} | ${s.scope} | ${f1(s.ms)} ms | ${f1(s.kb)} KB | ${s.deltaKb === undefined ? '–' : `${f1(s.deltaKb)} KB`} |`);
}
process.exit(0);

async function ingestRate(): Promise<number> {
  const { batchesOf, calls } = await import('./generate.ts');
  const server = await startBenchServer();
  try {
    const source = calls({
      queues: ['a', 'b', 'c', 'd'],
      agents: Array.from({ length: 200 }, (_, i) => `agent${i}`),
      start: Date.now() - 6 * 3600_000,
      tag: 'ingest',
    });
    const bodies = batchesOf(source, 1000, 40).map((b) => JSON.stringify(b));
    const started = performance.now();
    await postBatches(server, bodies);
    return (bodies.length * 1000) / ((performance.now() - started) / 1000);
  } finally {
    await server.stop();
  }
}
