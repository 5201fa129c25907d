// One simulated day of the demo centre, as the events a real ACD would send: a discrete-event simulation of callers
// and agents, pure and seeded (same seed, day and zone: the same events, ids included).
import { DateTime } from 'luxon';
import { Agenda } from './agenda.ts';
import { CLOSE_HOUR, HOURLY_CURVE, OPEN_HOUR, PEAK_CALLS_PER_MINUTE, QUEUES, type DemoQueue } from './centre.ts';
import { seededRandom, type Random } from './random.ts';
import { createStaff, type Agent, type Staff } from './staff.ts';
import type { Call, FloorEvent } from './types.ts';

export type { FloorEvent } from './types.ts';

interface DayOptions {
  seed: string;
  /** YYYY-MM-DD in the centre's zone. */
  day: string;
  tz: string;
}

const MAX_WAIT_MS = 8 * 60_000;
const SECOND = 1000;

/** Every event of the day, in `ts` order. */
export function simulateDay(opts: DayOptions): FloorEvent[] {
  const rng = seededRandom(`${opts.seed}/${opts.day}`);
  const midnight = DateTime.fromISO(opts.day, { zone: opts.tz }).startOf('day');
  const clock = (hours: number) => midnight.plus({ minutes: Math.round(hours * 60) }).toMillis();
  const events: FloorEvent[] = [];
  const tag = `demo-${opts.day}-${opts.seed}`;
  const emit = (type: string, ts: number, fields: Record<string, unknown>) => events.push({ id: `${tag}-${events.length}`, type, ts, ...fields });
  const agenda = new Agenda();
  const waiting = new Map<string, Call[]>(QUEUES.map((q) => [q.id, []]));
  const floor = { rng, agenda, emit, waiting, nextCall: 0, tag, day: opts.day };
  const staff = createStaff({
    rng,
    agenda,
    emit,
    clock,
    pickCall: (agent, t) => pickCall(floor, agent, t),
    answer: (agent, call, t) => answer(floor, staff, agent, call, t),
  });
  scheduleArrivals(floor, staff, clock);
  agenda.runAll();
  return events.sort((a, b) => a.ts - b.ts);
}

type Floor = {
  rng: Random;
  agenda: Agenda;
  emit: (type: string, ts: number, fields: Record<string, unknown>) => void;
  waiting: Map<string, Call[]>;
  nextCall: number;
  tag: string;
  day: string;
};

/** Poisson arrivals within each 15-minute interval, at the curve's rate, with a forecast error and one unforecast surge. */
function scheduleArrivals(floor: Floor, staff: Staff, clock: (hours: number) => number): void {
  const { rng } = floor;
  const dayFactor = rng.normal(1, 0.04);
  const surgeStart = rng.uniform(10, 14.5);
  for (let hours = OPEN_HOUR; hours < CLOSE_HOUR; hours += 0.25) {
    const curve = HOURLY_CURVE[Math.floor(hours - OPEN_HOUR)] ?? 0;
    const surge = hours >= surgeStart && hours < surgeStart + 0.75 ? 1.3 : 1;
    const noise = Math.max(0.7, rng.normal(1, 0.07));
    const from = clock(hours);
    const to = clock(hours + 0.25);
    for (const queue of QUEUES) {
      const mean = PEAK_CALLS_PER_MINUTE * queue.share * curve * dayFactor * surge * noise * 15;
      const count = rng.poisson(mean);
      for (let i = 0; i < count; i++) {
        const at = Math.floor(rng.uniform(from, to));
        floor.agenda.at(at, () => offer(floor, staff, newCall(floor, queue, at), at));
      }
    }
  }
}

function newCall(floor: Floor, queue: DemoQueue, at: number): Call {
  const n = floor.nextCall++;
  return { id: `${floor.tag}-call-${String(n).padStart(5, '0')}`, queue, offeredAt: at, segment: 0, waiting: false, transferred: false, lastTs: 0 };
}

/** Stamps a call's event after its previous one: the events of one call have distinct `ts`. */
function callEvent(floor: Floor, call: Call, type: string, at: number, fields: Record<string, unknown> = {}): number {
  const ts = Math.max(Math.round(at), call.lastTs + 1);
  call.lastTs = ts;
  floor.emit(type, ts, { callId: call.id, ...fields });
  return ts;
}

/** The call enters a queue: an agent free takes it, or it waits with a caller whose patience is drawn now. */
function offer(floor: Floor, staff: Staff, call: Call, at: number): void {
  const { rng } = floor;
  call.segment++;
  call.waiting = true;
  const caller = call.segment === 1 ? { caller: `+1555${String(rng.integer(0, 9_999_999)).padStart(7, '0')}` } : {};
  call.offeredAt = callEvent(floor, call, 'call.offered', at, { queue: call.queue.id, ...caller });
  // A few hang up at once (a wrong number, the greeting); the rest wait a right-skewed while; transferred callers wait longer.
  const patience = call.transferred ? rng.lognormal(200, 0.8) * SECOND : rng.chance(0.04) ? rng.uniform(1, 5) * SECOND : rng.lognormal(110, 1.0) * SECOND;
  floor.waiting.get(call.queue.id)!.push(call);
  const segment = call.segment;
  const leaveAt = call.offeredAt + Math.min(patience, MAX_WAIT_MS);
  floor.agenda.at(leaveAt, () => {
    if (!call.waiting || call.segment !== segment) return;
    call.waiting = false;
    callEvent(floor, call, patience < MAX_WAIT_MS ? 'call.abandoned' : 'call.timeout', leaveAt);
  });
  const agent = staff.longestIdle(call.queue.id);
  if (agent) answer(floor, staff, agent, call, call.offeredAt);
}

/** The oldest waiting call among the agent's queues: the priority line with a 30-second head start, the team's own queue with 20. */
function pickCall(floor: Floor, agent: Agent, _t: number): Call | undefined {
  let best: Call | undefined;
  let bestScore = Infinity;
  for (const queueId of agent.queues) {
    const list = floor.waiting.get(queueId)!;
    while (list.length > 0 && !list[0]!.waiting) list.shift();
    const head = list[0];
    if (!head) continue;
    const score = head.offeredAt - (queueId === 'priority' ? 30 * SECOND : queueId === agent.queues[0] ? 20 * SECOND : 0);
    if (score < bestScore) [best, bestScore] = [head, score];
  }
  return best;
}

/** The agent takes the call after it rings a few seconds; the whole part (talk, hold, transfer or end, wrap, survey) is drawn now. */
function answer(floor: Floor, staff: Staff, agent: Agent, call: Call, at: number): void {
  const { rng } = floor;
  call.waiting = false;
  staff.reserve(agent);
  const answeredAt = callEvent(floor, call, 'call.answered', at + rng.uniform(2, 6) * SECOND, { agent: agent.id });
  const talk = Math.max(20, rng.lognormal(call.queue.talkMedianSeconds, 0.55)) * SECOND;
  if (!call.transferred && rng.chance(call.queue.transferChance)) {
    const targetId = TRANSFER_TO.get(call.queue.id) ?? 'support';
    const transferAt = callEvent(floor, call, 'call.transferred', answeredAt + talk * rng.uniform(0.2, 0.6), { target: targetId });
    call.transferred = true;
    floor.agenda.at(transferAt, () => staff.release(agent, transferAt));
    floor.agenda.at(transferAt + 2 * SECOND, () => {
      call.queue = QUEUES.find((q) => q.id === targetId)!;
      offer(floor, staff, call, transferAt + 2 * SECOND);
    });
    return;
  }
  let end = answeredAt + talk;
  if (rng.chance(0.3)) {
    const heldAt = callEvent(floor, call, 'call.held', answeredAt + talk * rng.uniform(0.3, 0.7));
    const hold = rng.lognormal(45, 0.6) * SECOND;
    callEvent(floor, call, 'call.resumed', heldAt + hold);
    end += hold;
  }
  const endedAt = callEvent(floor, call, 'call.ended', end);
  const resolved = rng.chance(agent.fcr);
  const wrappedAt = callEvent(floor, call, 'call.wrapped', endedAt + rng.lognormal(35, 0.5) * SECOND, { resolved });
  floor.agenda.at(wrappedAt, () => staff.release(agent, wrappedAt));
  if (rng.chance(0.35)) {
    const waited = answeredAt - call.offeredAt;
    const satisfied = rng.chance(agent.csat * (resolved ? 1 : 0.8) * (waited > 60 * SECOND ? 0.9 : 1));
    const score = satisfied ? (rng.chance(0.55) ? 5 : 4) : rng.pick([1, 2, 3, 3]);
    callEvent(floor, call, 'call.survey', wrappedAt + rng.uniform(60, 900) * SECOND, { score });
  }
  // The QA team scores about one call in ten within a couple of hours; an agent's quality follows its callers' satisfaction.
  if (rng.chance(0.1)) {
    const score = Math.round(Math.min(100, Math.max(0, 100 * (agent.csat + rng.normal(0, 0.06)))));
    callEvent(floor, call, 'qa.evaluation', wrappedAt + rng.uniform(20, 120) * 60 * SECOND, {
      agent: agent.id,
      score,
      form: 'Inbound call',
      evaluator: 'qa-team',
    });
  }
}

/** Where a transfer goes: billing and sales swap, support goes to billing, the priority line to support. */
const TRANSFER_TO = new Map([
  ['sales', 'billing'],
  ['billing', 'sales'],
  ['support', 'billing'],
  ['priority', 'support'],
]);
