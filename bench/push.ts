// One push measurement: N Socket.IO clients spread over one or more instances (the wallboard, or the bare baseline),
// events posted at R a second, probes timing POST → pushed figure once warm; event-loop delay, memory per client, pushes/s.
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
  /** Every POST→push time measured (ms, ascending), so runs can be pooled. */
  latencies: number[];
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

const QUEUES = ['sales', 'support', 'billing', 'retention'];
const AGENTS = Array.from({ length: 200 }, (_, i) => `agent${i}`);
/** Clients that time the probes; each watches every probe queue. */
const PROBES = 20;
/**
 * A probe call every 100 ms at a random point of its 100 ms (as real events arrive: not in step with the load's
 * batches), taking the probe queues in turn, so one queue's probes stay 300–500 ms apart, past the 250 ms push window.
 */
const PROBE_QUEUES = ['probe0', 'probe1', 'probe2', 'probe3'];
const PROBE_EVERY_MS = 100;
/** Load runs this long before probes count: a server is timed warm, as it runs for days, not in its first second. */
const WARM_UP_MS = 2000;
/** A stand-in for a queue's figures in the baseline, about the size of the wallboard's `queue:` push. */
const FILLER = { figures: 'x'.repeat(2000) };

const ops = async (url: string, query = '') =>
  (await (await fetch(`${url}/api/v1/ops?gc${query}`, { headers: { authorization: `Bearer ${BENCH_API_TOKEN}` } })).json()) as Ops;

/** A probe: the n-th call offered to its queue, so that queue's figures say `offered: n` once it is counted. */
interface Probe {
  queue: string;
  n: number;
}

async function post(target: PushTarget, url: string, events: BenchEvent[], probe?: Probe): Promise<void> {
  const body =
    target.kind === 'app'
      ? events
      : probe
        ? [{ room: `queue:${probe.queue}`, payload: { scope: `queue:${probe.queue}`, offered: probe.n } }]
        : [...new Set(events.flatMap((e) => ['all', ...QUEUES.map((q) => `queue:${q}`), ...(e.agent ? [`agent:${String(e.agent)}`] : [])]))].map((room) => ({
            room,
            payload: FILLER,
          }));
  const res = await fetch(`${url}${target.kind === 'app' ? '/api/v1/events' : '/emit'}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BENCH_INGEST_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 202) throw new Error(`POST answered ${res.status}`);
}

function connect(url: string, ...scopes: string[]): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(url, { auth: { token: BENCH_API_TOKEN }, transports: ['websocket'], reconnection: false, forceNew: true });
    const subscribe = (scope: string) =>
      new Promise<void>((done, fail) => socket.emit('subscribe', { scope }, (answer: { ok: boolean }) => (answer.ok ? done() : fail(new Error(scope)))));
    socket.once('connect_error', reject);
    socket.once('connect', () => Promise.all(scopes.map(subscribe)).then(() => resolve(socket), reject));
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

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** Runs of the same kind as one: their POST→push times pooled (a p99 over all their probes), the worst event-loop p99, the rest averaged. */
export function pooled(runs: PushFigures[]): PushFigures {
  const latencies = runs.flatMap((r) => r.latencies).sort((x, y) => x - y);
  const mean = (pick: (r: PushFigures) => number) => runs.reduce((total, r) => total + pick(r), 0) / runs.length;
  return {
    clients: runs[0]!.clients,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    samples: latencies.length,
    latencies,
    pushesPerSecond: mean((r) => r.pushesPerSecond),
    loopP99: Math.max(...runs.map((r) => r.loopP99)),
    heapPerClientKB: mean((r) => r.heapPerClientKB),
    rssPerClientKB: mean((r) => r.rssPerClientKB),
  };
}

export async function measurePush(target: PushTarget, opts: { clients: number; rate: number; seconds: number; tag: string }): Promise<PushFigures> {
  await post(target, target.urls[0]!, [{ id: `${opts.tag}-warm`, type: 'agent.state', ts: Date.now(), agent: 'agent0', state: 'available' }]);
  const before = await Promise.all(target.urls.map((u) => ops(u)));
  const sockets = await connectClients(target, opts.clients);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const after = await Promise.all(target.urls.map((u) => ops(u)));
  const probes = await Promise.all(
    Array.from({ length: PROBES }, (_, i) => connect(target.urls[i % target.urls.length]!, ...PROBE_QUEUES.map((q) => `queue:${q}`))),
  );
  let pushes = 0;
  for (const s of sockets) s.on('metrics', () => pushes++);
  const latencies: number[] = [];
  const sentAt = new Map<string, number>();
  for (const p of probes)
    p.on('metrics', (m: { scope: string; offered: number }) => {
      const sent = sentAt.get(probeKey({ queue: m.scope.slice('queue:'.length), n: m.offered }));
      if (sent !== undefined) latencies.push(performance.now() - sent);
    });
  const run = await load(target, opts, sentAt);
  const loaded = await Promise.all(target.urls.map((u) => ops(u)));
  for (const s of [...sockets, ...probes]) s.disconnect();
  latencies.sort((x, y) => x - y);
  return {
    clients: opts.clients,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    samples: latencies.length,
    latencies,
    pushesPerSecond: pushes / run.seconds,
    loopP99: Math.max(...loaded.map((o) => o.eventLoopDelayMs.p99)),
    heapPerClientKB: (sum(after, (o) => o.heapUsed) - sum(before, (o) => o.heapUsed)) / opts.clients / 1024,
    rssPerClientKB: (sum(after, (o) => o.rss) - sum(before, (o) => o.rss)) / opts.clients / 1024,
  };
}

const probeKey = (p: Probe) => `${p.queue}#${p.n}`;

/** R events a second in 10 batches a second (round-robin over the instances), and the probes, timed once warm. */
async function load(target: PushTarget, opts: { rate: number; seconds: number; tag: string }, sentAt: Map<string, number>) {
  await Promise.all(target.urls.map((u) => ops(u, '&reset')));
  const source = calls({ queues: QUEUES, agents: AGENTS, start: Date.now() - 3600_000, tag: opts.tag });
  const buffer: BenchEvent[] = [];
  let batches = 0;
  let slot = 0;
  const started = performance.now();
  const loadTimer = setInterval(() => {
    while (buffer.length < opts.rate / 10) buffer.push(...source.next().value!);
    void post(target, target.urls[batches++ % target.urls.length]!, buffer.splice(0, opts.rate / 10)).catch(() => undefined);
  }, 100);
  const pending = new Set<NodeJS.Timeout>();
  const sendProbe = (k: number) => {
    const probe: Probe = { queue: PROBE_QUEUES[k % PROBE_QUEUES.length]!, n: Math.floor(k / PROBE_QUEUES.length) + 1 };
    if (performance.now() - started >= WARM_UP_MS) sentAt.set(probeKey(probe), performance.now());
    const event = { id: `probe-${k}`, type: 'call.offered', ts: Date.now(), callId: `${opts.tag}-probe-${k}`, queue: probe.queue };
    void post(target, target.urls[k % target.urls.length]!, [event], probe).catch(() => undefined);
  };
  const probeTimer = setInterval(() => {
    const k = slot++;
    const timer = setTimeout(() => {
      pending.delete(timer);
      sendProbe(k);
    }, Math.random() * PROBE_EVERY_MS);
    pending.add(timer);
  }, PROBE_EVERY_MS);
  await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS + opts.seconds * 1000));
  clearInterval(loadTimer);
  clearInterval(probeTimer);
  for (const timer of pending) clearTimeout(timer);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return { seconds: (performance.now() - started) / 1000 };
}
