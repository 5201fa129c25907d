// npm run bench:live — N Socket.IO clients subscribed across queues and agents while events are posted
// at R per second: latency from POST to the pushed figure (p50/p95/p99), event-loop delay, memory per client.
import { io, type Socket } from 'socket.io-client';
import type { Metrics } from '../shared/figures.ts';
import { calls } from './generate.ts';
import { startBenchServer } from './server.ts';

const CLIENTS = Number(process.env.CLIENTS ?? 2000);
const RATE = Number(process.env.RATE ?? 500);
const SECONDS = Number(process.env.SECONDS ?? 30);
const PROBES = 20;
const QUEUES = ['sales', 'support', 'billing', 'retention'];
const AGENTS = Array.from({ length: 200 }, (_, i) => `agent${i}`);

const server = await startBenchServer();
const auth = { authorization: `Bearer ${server.apiToken}` };
const ops = async (reset = false) =>
  (await (await fetch(`${server.url}/api/v1/ops?gc${reset ? '&reset' : ''}`, { headers: auth })).json()) as {
    rss: number;
    heapUsed: number;
    sockets: number;
    eventLoopDelayMs: { p50: number; p99: number; max: number };
  };
const post = async (events: unknown[]) => {
  const res = await fetch(`${server.url}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.ingestToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });
  if (res.status !== 202) throw new Error(`POST answered ${res.status}`);
};

function connect(scope: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(server.url, { auth: { token: server.apiToken }, transports: ['websocket'], reconnection: false, forceNew: true });
    socket.once('connect_error', reject);
    socket.once('connect', () => socket.emit('subscribe', { scope }, (answer: { ok: boolean }) => (answer.ok ? resolve(socket) : reject(new Error(scope)))));
  });
}

// Settle, then measure memory before and after the idle clients connect.
await post([{ id: 'warm', type: 'agent.state', ts: Date.now(), agent: 'agent0', state: 'available' }]);
const idleBefore = await ops();
const sockets: Socket[] = [];
for (let i = 0; i < CLIENTS; i += 100) {
  const chunk = Array.from({ length: Math.min(100, CLIENTS - i) }, (_, j) => {
    const n = i + j;
    return connect(n % 2 === 0 ? `queue:${QUEUES[n % QUEUES.length]}` : `agent:${AGENTS[n % AGENTS.length]}`);
  });
  sockets.push(...(await Promise.all(chunk)));
}
await new Promise((resolve) => setTimeout(resolve, 2000));
const idleAfter = await ops();
console.log(
  `${CLIENTS} idle clients: server RSS +${((idleAfter.rss - idleBefore.rss) / 1024 / 1024).toFixed(1)} MB, heap +${((idleAfter.heapUsed - idleBefore.heapUsed) / 1024 / 1024).toFixed(1)} MB → ${((idleAfter.rss - idleBefore.rss) / CLIENTS / 1024).toFixed(1)} KB RSS and ${((idleAfter.heapUsed - idleBefore.heapUsed) / CLIENTS / 1024).toFixed(1)} KB heap per client`,
);

// Probes: clients of a queue that only the probe events touch, so each push answers one known POST.
const probes = await Promise.all(Array.from({ length: PROBES }, () => connect('queue:probe')));
let pushes = 0;
for (const s of sockets) s.on('metrics', () => pushes++);
const latencies: number[] = [];
const sentAt = new Map<number, number>();
for (const p of probes) {
  p.on('metrics', (m: Metrics) => {
    const at = sentAt.get(m.offered);
    if (at !== undefined) latencies.push(performance.now() - at);
  });
}

// Load: R events per second in 10 batches a second, plus a probe call every 400 ms.
const source = calls({ queues: QUEUES, agents: AGENTS, start: Date.now() - 3600_000, tag: 'live' });
const buffer: { id: string; ts: number }[] = [];
let probe = 0;
await ops(true);
const started = performance.now();
const perBatch = RATE / 10;
let sent = 0;
const loadTimer = setInterval(() => {
  while (buffer.length < perBatch) buffer.push(...source.next().value!);
  const batch = buffer.splice(0, perBatch);
  sent += batch.length;
  void post(batch);
}, 100);
const probeTimer = setInterval(() => {
  probe++;
  sentAt.set(probe, performance.now());
  void post([{ id: `probe-${probe}`, type: 'call.offered', ts: Date.now(), callId: `probe-${probe}`, queue: 'probe' }]);
}, 400);
await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
clearInterval(loadTimer);
clearInterval(probeTimer);
await new Promise((resolve) => setTimeout(resolve, 1000));
const loaded = await ops();
const seconds = (performance.now() - started) / 1000;

latencies.sort((x, y) => x - y);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(0);
console.log(`${CLIENTS} clients, ${Math.round(sent / seconds)} events/s for ${SECONDS} s: ${pushes} pushes delivered to load clients`);
console.log(`POST → pushed figure (${latencies.length} samples over ${PROBES} probe clients): p50 ${pct(50)} ms, p95 ${pct(95)} ms, p99 ${pct(99)} ms`);
console.log(
  `server event-loop delay under load: p50 ${loaded.eventLoopDelayMs.p50} ms, p99 ${loaded.eventLoopDelayMs.p99} ms, max ${loaded.eventLoopDelayMs.max} ms; RSS ${(loaded.rss / 1024 / 1024).toFixed(0)} MB`,
);

for (const s of [...sockets, ...probes]) s.disconnect();
await server.stop();
process.exit(0);
