// Property: a generated day sent shuffled, duplicated and in random batches reads back exactly as sent in order, its
// quality figures (qa.evaluation, late and replaced ones included) are what the contract model predicts, and with events
// stamped before the event they follow each agent's handled parts are still the contract's, with nobody left on a call.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApp, type TestApp } from './support/app.ts';
import { qaExpected, qaModel, qaOfTeam } from './support/contract-model.ts';

const BASE = Date.parse('2026-06-01T13:00:00Z');
const QUEUES = ['sales', 'support'];
const AGENTS = ['p1', 'p2', 'p3'];
const TEAM = ['p1', 'p3'];
/** The day of the calls, and the next, where some evaluations land. */
const DAYS = ['2026-06-01', '2026-06-02'];

type Event = Record<string, unknown> & { id: string; ts: number };

/** What a call may have stamped early, each before the event it follows: [moved, before]. */
const EARLY = {
  answer: ['call.answered', 'call.offered'],
  end: ['call.ended', 'call.answered'],
  transfer: ['call.transferred', 'call.answered'],
  wrap: ['call.wrapped', 'call.ended'],
  resume: ['call.resumed', 'call.held'],
} as const;
type Skew = keyof typeof EARLY;
const SKEWS = Object.keys(EARLY) as Skew[];

/**
 * Stamps one event of a call (given in ts order) before the event it follows, by half a second (other stamps are whole
 * seconds, so a call's stamps stay distinct) and `seconds` more. An end goes only just before the last answer: further
 * back, past the transfer, it would end the first part and the transfer the second, a story the model below does not tell.
 */
function stampEarly(events: Event[], kind: Skew, seconds: number): void {
  const [moved, before] = EARLY[kind];
  const event = events.find((e) => e.type === moved);
  const follows = kind === 'end' ? events.findLast((e) => e.type === before) : events.find((e) => e.type === before);
  if (event && follows) event.ts = follows.ts - 500 - (kind === 'end' ? 0 : seconds * 1000);
}

/**
 * Each agent's handled parts as the contract tells the generated calls, whatever their stamps: the first agent's part is
 * over at its transfer, the last agent's at its wrap-up. Every answered call ends, so no agent is left on a call.
 */
function handledModel(events: Event[]): Map<string, number> {
  const handled = new Map<string, number>();
  const add = (agent: string) => handled.set(agent, (handled.get(agent) ?? 0) + 1);
  const calls = new Map<string, Event[]>();
  for (const e of events) calls.set(e.callId as string, [...(calls.get(e.callId as string) ?? []), e]);
  for (const call of calls.values()) {
    const agents = call.filter((e) => e.type === 'call.answered').map((e) => e.agent as string);
    const wrapped = call.some((e) => e.type === 'call.wrapped');
    if (agents.length === 2) add(agents[0]!);
    if (agents.length > 0 && wrapped) add(agents.at(-1)!);
  }
  return handled;
}

/** One call's events in story order (in ts order too, unless one is stamped early), from choices fast-check makes. */
const callArb = (n: number) =>
  fc
    .record({
      start: fc.integer({ min: 0, max: 4 * 3600 }),
      queue: fc.constantFrom(...QUEUES),
      wait: fc.integer({ min: 1, max: 60 }),
      outcome: fc.constantFrom('answered', 'abandoned', 'timeout', 'waiting'),
      agent: fc.constantFrom(...AGENTS),
      hold: fc.option(fc.tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 60 }))),
      transfer: fc.option(fc.constantFrom(...AGENTS)),
      talk: fc.integer({ min: 5, max: 600 }),
      wrap: fc.option(fc.integer({ min: 1, max: 120 })),
      resolved: fc.option(fc.boolean()),
      survey: fc.option(fc.integer({ min: 1, max: 5 })),
      // Evaluations from a QA tool, up to a day later (some land on the next day); a second of one agent replaces the first.
      evaluations: fc.array(
        fc.record({
          after: fc.integer({ min: 1, max: 86_400 }),
          agent: fc.constantFrom(...AGENTS),
          score: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constantFrom(87.5, 33.333333, 0.1)),
        }),
        { maxLength: 3 },
      ),
      /** Sometimes no offer at all: evaluations of a call with no queue count for the agent, its team and `all`. */
      offer: fc.constantFrom('first', 'first', 'first', 'never'),
      /** Sometimes one event stamped before the event it follows (two systems' clocks disagree). */
      skew: fc.option(fc.record({ kind: fc.constantFrom(...SKEWS), seconds: fc.integer({ min: 0, max: 60 }) }), { freq: 2 }),
    })
    .map((c) => {
      const callId = `pc${n}`;
      const events: Event[] = [];
      let t = BASE + c.start * 1000;
      const push = (type: string, fields: Record<string, unknown> = {}) => events.push({ id: `${callId}-${events.length}`, type, ts: t, callId, ...fields });
      const evaluate = () => {
        for (const { after, agent, score } of c.evaluations) {
          t += after * 1000;
          push('qa.evaluation', { agent, score });
        }
        return events;
      };
      if (c.offer === 'never') return evaluate();
      push('call.offered', { queue: c.queue });
      t += c.wait * 1000;
      if (c.outcome === 'waiting') return evaluate();
      if (c.outcome !== 'answered') {
        push(c.outcome === 'abandoned' ? 'call.abandoned' : 'call.timeout');
        return evaluate();
      }
      push('call.answered', { agent: c.agent });
      if (c.hold) {
        t += c.hold[0] * 1000;
        push('call.held');
        t += c.hold[1] * 1000;
        push('call.resumed');
      }
      if (c.transfer) {
        t += 1000;
        push('call.transferred', { target: c.transfer });
        t += 2000;
        push('call.answered', { agent: c.transfer });
      }
      t += c.talk * 1000;
      push('call.ended');
      if (c.wrap) {
        t += c.wrap * 1000;
        push('call.wrapped', c.resolved === null ? {} : { resolved: c.resolved });
      }
      if (c.survey) {
        t += 60_000;
        push('call.survey', { score: c.survey });
      }
      if (c.skew) stampEarly(events, c.skew.kind, c.skew.seconds);
      return evaluate();
    });

const dayArb = fc.integer({ min: 1, max: 12 }).chain((calls) => fc.tuple(...Array.from({ length: calls }, (_, i) => callArb(i))).map((cs) => cs.flat()));

describe('order does not matter', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(inject('redisUrl'));
  });
  afterAll(() => app.close());

  it('shuffled, duplicated and batched events give identical figures', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(dayArb, fc.infiniteStream(fc.nat()), async (events, randoms) => {
        run++;
        // Two isolated worlds in one server: rename the calls and agents so they do not meet.
        const world =
          (tag: string) =>
          (e: Event): Event => {
            const out: Event = { ...e, id: `${tag}${run}-${e.id}`, callId: `${tag}${run}-${e.callId as string}` };
            if (e.queue) out.queue = `${tag}${run}-${e.queue as string}`;
            if (e.agent) out.agent = `${tag}${run}-${e.agent as string}`;
            if (e.target) out.target = `${tag}${run}-${e.target as string}`;
            return out;
          };
        const inOrder = [...events].sort((a, b) => a.ts - b.ts).map(world('o'));
        expect((await app.request('POST', '/api/v1/events', { token: app.ingestToken, body: inOrder })).status).toBe(202);

        const rnd = randoms[Symbol.iterator]();
        const next = () => rnd.next().value as number;
        const messy = [...events, ...events.filter(() => next() % 4 === 0)].map(world('m'));
        for (let i = messy.length - 1; i > 0; i--) {
          const j = next() % (i + 1);
          [messy[i], messy[j]] = [messy[j]!, messy[i]!];
        }
        for (let at = 0; at < messy.length;) {
          const size = 1 + (next() % 7);
          const res = await app.request('POST', '/api/v1/events', { token: app.ingestToken, body: messy.slice(at, at + size) });
          expect(res.status).toBe(202);
          at += size;
        }
        for (const tag of ['o', 'm']) {
          const body = { name: 'Team', agents: TEAM.map((a) => `${tag}${run}-${a}`) };
          expect((await app.request('PUT', `/api/v1/teams/${tag}${run}-team`, { token: app.apiToken, body })).status).toBe(200);
        }
        const model = qaModel(messy);
        const handled = handledModel(events);
        for (const day of DAYS) {
          for (const scope of [...QUEUES.map((q) => `queue:${q}`), ...AGENTS.map((a) => `agent:${a}`), 'team:team']) {
            const [kind, id] = scope.split(':');
            const get = async (tag: string) => {
              const res = await app.request('GET', `/api/v1/metrics?scope=${kind}:${tag}${run}-${id}&day=${day}`, { token: app.apiToken });
              const { scope: _s, asOf: _a, roster, ...rest } = res.body;
              return { ...rest, roster: (roster ?? []).map((r: { state: string; since: string }) => [r.state, r.since]) };
            };
            const messyFigures = await get('m');
            expect(messyFigures, `${scope} ${day}`).toEqual(await get('o'));
            if (kind === 'agent') {
              expect(messyFigures.handled, `${scope} ${day} handled`).toBe(day === DAYS[0] ? (handled.get(id!) ?? 0) : 0);
              expect(messyFigures.agents.onCall, `${scope} on a call`).toBe(0);
            }
            // The quality figures are also the contract model's.
            const named = `${kind}:m${run}-${id}`;
            const want =
              kind === 'team'
                ? qaOfTeam(
                    model,
                    TEAM.map((a) => `m${run}-${a}`),
                    day,
                  )
                : qaExpected(model, named, day);
            expect(messyFigures.evaluations, `${scope} ${day}`).toBe(want.evaluations);
            if (want.qaScore === null) expect(messyFigures.qaScore, `${scope} ${day}`).toBeNull();
            else expect(messyFigures.qaScore, `${scope} ${day}`).toBeCloseTo(want.qaScore, 9);
          }
        }
      }),
      { numRuns: 25, seed: 42 },
    );
  });
});
