// A generated stretch of days of calls (seeded), to test the past over weeks, months and a clock change.
import { DateTime } from 'luxon';

/** mulberry32: a small seeded generator, so a failure can be reproduced. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const QUEUES = ['sales', 'support'];
const AGENTS = ['g1', 'g2', 'g3', 'g4', 'g5', 'g6'];

/** `callsPerDay` calls a local day from `from` to `to` (both included), at any time of day, of every shape the figures know. */
export function generatedMonth(opts: { from: string; to: string; tz: string; callsPerDay: number; seed: number }): Record<string, unknown>[] {
  const rand = random(opts.seed);
  const pick = <T>(items: T[]) => items[Math.floor(rand() * items.length)]!;
  const events: Record<string, unknown>[] = [];
  let n = 0;
  for (let day = DateTime.fromISO(opts.from, { zone: opts.tz }); day.toISODate()! <= opts.to; day = day.plus({ days: 1 })) {
    const start = day.startOf('day').toMillis();
    const length = day.startOf('day').plus({ days: 1 }).toMillis() - start;
    for (let c = 0; c < opts.callsPerDay; c++) {
      const callId = `g-${day.toISODate()}-${c}`;
      let at = start + Math.floor(rand() * length);
      let e = 0;
      const push = (type: string, fields: Record<string, unknown> = {}) => events.push({ id: `${callId}-${e++}`, type, ts: at, callId, ...fields });
      const step = (maxSeconds: number) => (at += 1000 + Math.floor(rand() * maxSeconds * 1000));
      push('call.offered', { queue: pick(QUEUES), caller: `+1555${String(n++).padStart(6, '0')}` });
      const shape = rand();
      step(60);
      if (shape < 0.12) push('call.abandoned');
      else if (shape < 0.17) push('call.timeout');
      else if (shape > 0.98)
        continue; // still waiting
      else {
        push('call.answered', { agent: pick(AGENTS) });
        if (rand() < 0.3) {
          step(60);
          push('call.held');
          step(90);
          push('call.resumed');
        }
        step(400);
        if (shape < 0.27) {
          push('call.transferred', { target: 'g6' });
          step(20);
          push('call.answered', { agent: 'g6' });
          step(200);
        }
        push('call.ended');
        step(60);
        push('call.wrapped', { resolved: rand() < 0.7 });
      }
      if (rand() < 0.3) {
        step(3600);
        push('call.survey', { score: 1 + Math.floor(rand() * 5) });
      }
    }
  }
  return events;
}
