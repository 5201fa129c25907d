// One push measurement: N Socket.IO clients spread over one or more instances (the wallboard, or the bare baseline),
// events posted at R a second, probes timing POST → pushed figure; event-loop delay, memory per client, pushes/s.
import { io, type Socket } from 'socket.io-client';
import { calls, type BenchEvent } from './generate.ts';
import { BENCH_API_TOKEN, BENCH_INGEST_TOKEN } from './server.ts';

export interface PushTarget {
  kind: 'app' | 'bare';
  urls: string[];
}

export interface PushFigures {
  clients: number;
  p50: number;
  p99: number;
  samples: number;
  pushesPerSecond: number;
  loopP99: number;
  heapPerClientKB: number;
  rssPerClientKB: number;
}

interface Ops {
  rss: number;
  heapUsed: number;
  eventLoopDelayMs: { p50: number; p99: number; max: number };
}

export const QUEUES = ['sales', 'support', 'billing', 'retention'];
export const AGENTS = Array.from({ length: 200 }, (_, i) => `agent${i}`);
const PROBES = 20;
/** A stand-in for a queue's figures in the baseline, about the size of the wallboard's `queue:` push. */
const FILLER = { figures: 'x'.repeat(2000) };

const ops = async (url: string, query = '') =>
  (await (await fetch(`${url}/api/v1/ops?gc${query}`, { headers: { authorization: `Bearer ${BENCH_API_TOKEN}` } })).json()) as Ops;

async function post(target: PushTarget, url: string, events: BenchEvent[]): Promise<void> {
  const body =
    target.kind === 'app'
      ? events
      : [
          ...new Set(
            events.flatMap((e) =>
              e.queue === 'probe' ? ['queue:probe'] : ['all', ...QUEUES.map((q) => `queue:${q}`), ...(e.agent ? [`agent:${String(e.agent)}`] : [])],
            ),
          ),
        ].map((room) => ({ room, payload: room === 'queue:probe' ? { scope: room, offered: Number(String(events.at(-1)!.id).slice(6)) } : FILLER }));
  const res = await fetch(`${url}${target.kind === 'app' ? '/api/v1/events' : '/emit'}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BENCH_INGEST_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 202) throw new Error(`POST answered ${res.status}`);
}

function connect(url: string, scope: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(url, { auth: { token: BENCH_API_TOKEN }, transports: ['websocket'], reconnection: false, forceNew: true });
    socket.once('connect_error', reject);
    socket.once('connect', () => socket.emit('subscribe', { scope }, (answer: { ok: boolean }) => (answer.ok ? resolve(socket) : reject(new Error(scope)))));
  });
}

/** A tenth of the clients watch `all`, two fifths a queue, half an agent; spread round-robin over the instances. */
async function connectClients(target: PushTarget, count: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i += 100) {
    const chunk = Array.from({ length: Math.min(100, count - i) }, (_, j) => {
      const n = i + j;
      const scope = n % 10 === 0 ? 'all' : n % 2 === 0 ? `queue:${QUEUES[n % QUEUES.length]}` : `agent:${AGENTS[n % AGENTS.length]}`;
      return connect(target.urls[n % target.urls.length]!, scope);
    });
    sockets.push(...(await Promise.all(chunk)));
  }
  return sockets;
}

const sum = (list: Ops[], pick: (o: Ops) => number) => list.reduce((total, o) => total + pick(o), 0);

export async function measurePush(target: PushTarget, opts: { clients: number; rate: number; seconds: number; tag: string }): Promise<PushFigures> {
  await post(target, target.urls[0]!, [{ id: `${opts.tag}-warm`, type: 'agent.state', ts: Date.now(), agent: 'agent0', state: 'available' }]);
  const before = await Promise.all(target.urls.map((u) => ops(u)));
  const sockets = await connectClients(target, opts.clients);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const after = await Promise.all(target.urls.map((u) => ops(u)));
  const probes = await Promise.all(Array.from({ length: PROBES }, (_, i) => connect(target.urls[i % target.urls.length]!, 'queue:probe')));
  let pushes = 0;
  for (const s of sockets) s.on('metrics', () => pushes++);
  const latencies: number[] = [];
  const sentAt = new Map<number, number>();
  for (const p of probes)
    p.on('metrics', (m: { offered: number }) => void (sentAt.has(m.offered) && latencies.push(performance.now() - sentAt.get(m.offered)!)));
  const run = await load(target, opts, sentAt);
  const loaded = await Promise.all(target.urls.map((u) => ops(u)));
  for (const s of [...sockets, ...probes]) s.disconnect();
  latencies.sort((x, y) => x - y);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  return {
    clients: opts.clients,
    p50: pct(50),
    p99: pct(99),
    samples: latencies.length,
    pushesPerSecond: pushes / run.seconds,
    loopP99: Math.max(...loaded.map((o) => o.eventLoopDelayMs.p99)),
    heapPerClientKB: (sum(after, (o) => o.heapUsed) - sum(before, (o) => o.heapUsed)) / opts.clients / 1024,
    rssPerClientKB: (sum(after, (o) => o.rss) - sum(before, (o) => o.rss)) / opts.clients / 1024,
  };
}

/** R events a second in 10 batches a second (round-robin over the instances), a probe call every 400 ms (longer than the
 * 250 ms push window, so a probe's push is not held back by the one before it). */
async function load(target: PushTarget, opts: { rate: number; seconds: number; tag: string }, sentAt: Map<number, number>) {
  await Promise.all(target.urls.map((u) => ops(u, '&reset')));
  const source = calls({ queues: QUEUES, agents: AGENTS, start: Date.now() - 3600_000, tag: opts.tag });
  const buffer: BenchEvent[] = [];
  let batches = 0;
  let probe = 0;
  const started = performance.now();
  const loadTimer = setInterval(() => {
    while (buffer.length < opts.rate / 10) buffer.push(...source.next().value!);
    void post(target, target.urls[batches++ % target.urls.length]!, buffer.splice(0, opts.rate / 10)).catch(() => undefined);
  }, 100);
  const probeTimer = setInterval(() => {
    probe++;
    sentAt.set(probe, performance.now());
    const event = { id: `probe-${probe}`, type: 'call.offered', ts: Date.now(), callId: `${opts.tag}-probe-${probe}`, queue: 'probe' };
    void post(target, target.urls[probe % target.urls.length]!, [event]).catch(() => undefined);
  }, 400);
  await new Promise((resolve) => setTimeout(resolve, opts.seconds * 1000));
  clearInterval(loadTimer);
  clearInterval(probeTimer);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return { seconds: (performance.now() - started) / 1000 };
}
