// Realistic synthetic traffic for the benchmarks: whole calls (offer, answer, holds, end, wrap, survey; with `qa`, some
// evaluated later by a QA tool, as the simulator sends them).
export interface BenchEvent {
  id: string;
  type: string;
  ts: number;
  [field: string]: unknown;
}

export function* calls(opts: { queues: string[]; agents: string[]; start: number; tag: string; spacingMs?: number; qa?: boolean }): Generator<BenchEvent[]> {
  let n = 0;
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(items: T[]) => items[Math.floor(rand() * items.length)]!;
  for (;;) {
    const callId = `${opts.tag}-${n++}`;
    let t = opts.start + n * (opts.spacingMs ?? 700);
    const events: BenchEvent[] = [];
    const push = (type: string, fields: Record<string, unknown> = {}) => events.push({ id: `${callId}-${events.length}`, type, ts: t, callId, ...fields });
    push('call.offered', { queue: pick(opts.queues), caller: `+1555${Math.floor(rand() * 1e7)}` });
    t += Math.floor(rand() * 60_000) + 1;
    const outcome = rand();
    if (outcome < 0.08) push('call.abandoned');
    else if (outcome < 0.1) push('call.timeout');
    else {
      const agent = pick(opts.agents);
      push('call.answered', { agent });
      if (rand() < 0.3) {
        t += 30_000;
        push('call.held');
        t += Math.floor(rand() * 60_000) + 1;
        push('call.resumed');
      }
      t += Math.floor(rand() * 300_000) + 1;
      push('call.ended');
      t += Math.floor(rand() * 60_000) + 1;
      push('call.wrapped', { resolved: rand() < 0.75 });
      if (rand() < 0.25) {
        t += 120_000;
        push('call.survey', { score: 1 + Math.floor(rand() * 5) });
      }
      if (opts.qa && rand() < 0.2) {
        t += 10 * 60_000 + Math.floor(rand() * 20 * 60_000);
        push('qa.evaluation', { agent, score: Math.round(60 + rand() * 40), form: 'Inbound call', evaluator: 'qa-team' });
      }
    }
    yield events;
  }
}

/** Events of many calls interleaved the way a live source sends them: by time, with a little shuffle. */
export function batchesOf(source: Generator<BenchEvent[]>, size: number, count: number): BenchEvent[][] {
  const out: BenchEvent[][] = [];
  const pending: BenchEvent[] = [];
  while (out.length < count) {
    while (pending.length < size * 2) pending.push(...source.next().value!);
    pending.sort((a, b) => a.ts - b.ts);
    out.push(pending.splice(0, size));
  }
  return out;
}
