// `npm run simulate`: feeds the running server a plausible day of calls, back-filled to now and then live,
// so a new install has something to show. Usage: WALLBOARD_INGEST_TOKEN=… [URL=http://localhost:3000] npm run simulate
import { calls, type BenchEvent } from '../bench/generate.ts';

const url = process.env.URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
const token = process.env.WALLBOARD_INGEST_TOKEN;
if (!token) {
  console.error('Set WALLBOARD_INGEST_TOKEN to the server’s ingest token.');
  process.exit(1);
}
const queues = (process.env.QUEUES ?? 'sales,support,billing').split(',');
const agents = Array.from({ length: Number(process.env.AGENTS ?? 24) }, (_, i) => `a${String(i + 1).padStart(2, '0')}`);
const spacingMs = Number(process.env.SPACING_MS ?? 9000);
const start = Date.now() - Number(process.env.BACKFILL_HOURS ?? 3) * 3600_000;

const source = calls({ queues, agents, start, tag: `sim${Date.now().toString(36)}`, spacingMs, qa: true });
let pending: BenchEvent[] = [];
let generatedUntil = start;

async function post(events: BenchEvent[]): Promise<void> {
  for (let at = 0; at < events.length; at += 1000) {
    const res = await fetch(`${url}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(events.slice(at, at + 1000)),
    });
    if (res.status !== 202) throw new Error(`POST /api/v1/events answered ${res.status}: ${await res.text()}`);
  }
}

async function tick(): Promise<void> {
  const now = Date.now();
  while (generatedUntil <= now + 60_000) {
    const call = source.next().value!;
    pending.push(...call);
    generatedUntil = call[0]!.ts;
  }
  const due = pending.filter((e) => e.ts <= now);
  pending = pending.filter((e) => e.ts > now);
  if (due.length > 0) await post(due);
}

await post(
  agents.map((agent, i) => ({ id: `sim-state-${agent}-${start}`, type: 'agent.state', ts: start + i, agent, state: i % 9 === 8 ? 'break' : 'available' })),
);
console.log(`Simulating ${queues.join(', ')} with ${agents.length} agents against ${url} (Ctrl-C to stop)…`);
for (;;) {
  await tick();
  await new Promise((resolve) => setTimeout(resolve, 1000));
}
