// The read cost and size of `all`, a queue and a team of 40, with each agent taking about 10 calls today: what one
// push of that scope costs the server (GET /api/v1/metrics reads exactly what a push sends).
import { io } from 'socket.io-client';
import { batchesOf, calls } from './generate.ts';
import { postBatches, startBenchServer, type BenchServer } from './server.ts';

interface ReadFigures {
  agents: number;
  queues: number;
  /** `deltaKb`: the size of a `metrics:delta` push after one call is answered and one agent changes state. */
  scopes: { scope: string; ms: number; kb: number; deltaKb?: number }[];
}

/** Reads of each scope (READS); the median is reported. */
const READS = Number(process.env.READS ?? 15);
/** The bench team's size (TEAM): its first agents. */
const TEAM = Number(process.env.TEAM ?? 40);

export async function measureReads(agents: number, queues: number): Promise<ReadFigures> {
  const server = await startBenchServer();
  try {
    const names = Array.from({ length: agents }, (_, i) => `agent${i}`);
    const send = (path: string, method: string, body: unknown, token: string) =>
      fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    // Calls today, all ended well before now (the server refuses ts > now + 15 min); the day may be young.
    const midnight = new Date().setUTCHours(0, 0, 0, 0);
    const start = Math.max(midnight + 60_000, Date.now() - 8 * 3600_000);
    const total = agents * 10;
    const spacingMs = Math.max(1, Math.floor((Date.now() - 20 * 60_000 - start) / total));
    const source = calls({ queues: Array.from({ length: queues }, (_, i) => `q${i}`), agents: names, start, spacingMs, tag: `r${agents}` });
    const bodies = batchesOf(source, 1000, Math.ceil((total * 5) / 1000)).map((b) => JSON.stringify(b));
    await postBatches(server, bodies);
    // Every agent has a state (so the counts by state, and a team's roster, cover every agent).
    const states = names.map((agent, i) => ({
      id: `s-${agent}`,
      type: 'agent.state',
      ts: Date.now() - 1000,
      agent,
      state: i % 7 === 0 ? 'break' : 'available',
    }));
    for (let i = 0; i < states.length; i += 1000) await send('/api/v1/events', 'POST', states.slice(i, i + 1000), server.ingestToken);
    await send('/api/v1/teams/bench', 'PUT', { name: 'Bench', agents: names.slice(0, TEAM) }, server.apiToken);
    const scopes = [];
    for (const scope of ['all', 'queue:q0', 'team:bench']) {
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < READS; i++) {
        const t = performance.now();
        const res = await fetch(`${server.url}/api/v1/metrics?scope=${encodeURIComponent(scope)}`, { headers: { authorization: `Bearer ${server.apiToken}` } });
        bytes = (await res.arrayBuffer()).byteLength;
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      scopes.push({ scope, ms: times[Math.floor(times.length / 2)]!, kb: bytes / 1024 });
    }
    const deltas = await deltaSizes(server, ['all', 'queue:q0']);
    return { agents, queues, scopes: scopes.map((s) => ({ ...s, deltaKb: deltas.get(s.scope) })) };
  } finally {
    await server.stop();
  }
}

/** Subscribes with `delta: true`, makes one small change (a call answered in q0, an agent on a break) and measures the delta pushed. */
async function deltaSizes(server: BenchServer, scopes: string[]): Promise<Map<string, number>> {
  const socket = io(server.url, { auth: { token: server.apiToken }, transports: ['websocket'], reconnection: false, forceNew: true });
  const sizes = new Map<string, number>();
  const got = new Promise<void>((resolve) => {
    socket.on('metrics:delta', (delta: { scope: string }) => {
      sizes.set(delta.scope, Buffer.byteLength(JSON.stringify(delta)) / 1024);
      if (sizes.size === scopes.length) resolve();
    });
  });
  for (const scope of scopes) await new Promise((resolve) => socket.emit('subscribe', { scope, delta: true }, resolve));
  const now = Date.now();
  const events = [
    { id: 'delta-1', type: 'call.offered', ts: now - 20_000, callId: 'delta-call', queue: 'q0' },
    { id: 'delta-2', type: 'call.answered', ts: now - 1000, callId: 'delta-call', agent: 'agent1' },
    { id: 'delta-3', type: 'agent.state', ts: now - 500, agent: 'agent2', state: 'break' },
  ];
  await fetch(`${server.url}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.ingestToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });
  await Promise.race([got, new Promise((resolve) => setTimeout(resolve, 5000))]);
  socket.disconnect();
  return sizes;
}
