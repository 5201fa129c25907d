// Ingest planning as pure functions (server/domain/ingestPlan.ts): what a batch changes, without Redis.
// Expected operations are written out by hand from CONTRACT.md "Figures" and "Live state and people".
import { describe, expect, it } from 'vitest';
import type { Operation } from '../../server/redis/entityStore.ts';
import { figureKeys } from '../../server/redis/keys.ts';
import {
  AGENT_STATES_KEPT,
  callOfMember,
  contextOf,
  contributionUnder,
  groupByEntity,
  keptHistory,
  planEntity,
  type Known,
  type PlanRules,
} from '../../server/domain/ingestPlan.ts';
import type { StoredEvent } from '../../shared/events.ts';
import { T0, callOf, s } from './calls.ts';

// ---- Fixtures

/** T0 is 10:00 EDT on this day, an interval start: every event below falls in the interval T0. */
const DAY = '2026-03-10';
const NY = { tz: 'America/New_York', defaults: { serviceLevelMs: 30_000, shortAbandonMs: 5_000 }, queues: {} };
const current = contextOf(NY);
const RULES: PlanRules = { before: current, current, fingerprint: 'fp-now' };
const ARRIVED = s(3600);

/** An entity as the store would hand it back after it counted `events` under the rules `rules`. */
function known(events: StoredEvent[], extra: Partial<Known> = {}): Known {
  return {
    version: events.length === 0 ? '0' : '4',
    rules: events.length === 0 ? null : 'fp-now',
    expired: false,
    arrivedAt: s(1),
    floor: 0,
    events,
    ids: new Set(events.map((e) => e.id)),
    ...extra,
  };
}

const inc = (key: string, field: string, value: number): Operation => ({ kind: 'increment', key, field, value });
const add = (key: string, field: string, value: number): Operation => ({ kind: 'addMember', key, field, value });
const remove = (key: string, field: string): Operation => ({ kind: 'removeMember', key, field, value: '' });
/** A day counter of a scope, in the interval of T0. */
const day = (scope: string) => figureKeys.intervals(scope, DAY);
const at = (figure: string) => `${T0}:${figure}`;

/** Operations in a fixed order, so the comparison does not depend on the order the planner emits them in. */
const sorted = (ops: Operation[]) => [...ops].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

let stateSeq = 0;
function agentState(agent: string, atMs: number, state: 'available' | 'break' | 'offline', reason?: string): StoredEvent {
  return { id: `${agent}-st${++stateSeq}`, type: 'agent.state', ts: atMs, at: atMs, agent, state, ...(reason === undefined ? {} : { reason }) };
}

// ---- Calls

describe('planEntity: a call', () => {
  it("turns a new call's first event into increments and live members, under the scopes it touches", () => {
    const e = callOf('new1');
    const offered = e('call.offered', s(0), { queue: 'sales' });
    const plan = planEntity('call:new1', known([]), [offered], { expired: false, arrivedAt: ARRIVED }, RULES);

    expect(sorted(plan.write.ops)).toEqual(
      sorted([
        inc(day('queue:sales'), at('offered'), 1),
        inc(day('all'), at('offered'), 1),
        inc(figureKeys.queuesSeen, 'sales', 1),
        add(figureKeys.waiting('queue:sales'), 'new1#0', s(0)),
        add(figureKeys.waiting('all'), 'new1#0', s(0)),
      ]),
    );
    expect(plan.write).toMatchObject({
      entity: 'call:new1',
      expectedVersion: '0',
      force: false,
      meta: { expired: false, floor: 0, arrivedAt: ARRIVED },
      drops: [],
    });
    expect(plan.write.events).toEqual([offered]);
    expect([...plan.scopes].sort()).toEqual(['all', 'queue:sales']);
    expect(plan.added).toBe(1);
    expect(plan.next).toMatchObject({ version: '1', rules: 'fp-now', expired: false, arrivedAt: ARRIVED, floor: 0 });
    expect([...plan.next.ids]).toEqual([offered.id]);
  });

  it('plans a whole answered call arriving at once: the waiting member never appears', () => {
    const e = callOf('whole');
    const events = [
      e('call.offered', s(0), { queue: 'sales' }),
      e('call.answered', s(40), { agent: 'ann' }),
      e('call.ended', s(100)),
      e('call.wrapped', s(130)),
    ];
    const plan = planEntity('call:whole', known([]), events, { expired: false, arrivedAt: ARRIVED }, RULES);
    // Wait 40 s > 30 s: answered, not in the service level. Talk 100 − 40 = 60 s, wrap 30 s; handled at the wrap (T0 + 130 s, same interval);
    // no hold, and a zero is not written.
    const handling = (scope: string) => [inc(day(scope), at('handled'), 1), inc(day(scope), at('talkMs'), 60_000), inc(day(scope), at('wrapMs'), 30_000)];
    expect(sorted(plan.write.ops)).toEqual(
      sorted([
        ...['queue:sales', 'all'].flatMap((scope) => [
          inc(day(scope), at('offered'), 1),
          inc(day(scope), at('answered'), 1),
          inc(day(scope), at('answerWaitMs'), 40_000),
          ...handling(scope),
        ]),
        inc(day('agent:ann'), at('answered'), 1),
        inc(day('agent:ann'), at('answerWaitMs'), 40_000),
        ...handling('agent:ann'),
        inc(figureKeys.queuesSeen, 'sales', 1),
        inc(figureKeys.agentsSeen, 'ann', 1),
      ]),
    );
    expect([...plan.scopes].sort()).toEqual(['agent:ann', 'all', 'queue:sales']);
  });

  it('turns a late answer into only the difference: the segment leaves the waiting sets and counts as answered', () => {
    const e = callOf('late');
    const offered = e('call.offered', s(0), { queue: 'sales' });
    const answered = e('call.answered', s(20), { agent: 'ann' });
    const plan = planEntity('call:late', known([offered]), [answered], { expired: false, arrivedAt: ARRIVED }, RULES);

    expect(sorted(plan.write.ops)).toEqual(
      sorted([
        remove(figureKeys.waiting('queue:sales'), 'late#0'),
        remove(figureKeys.waiting('all'), 'late#0'),
        ...['queue:sales', 'all', 'agent:ann'].flatMap((scope) => [
          inc(day(scope), at('answered'), 1),
          inc(day(scope), at('answeredInSL'), 1),
          inc(day(scope), at('answerWaitMs'), 20_000),
        ]),
        inc(figureKeys.agentsSeen, 'ann', 1),
        add(figureKeys.onCall, 'ann\u0000late#0#0', s(20)),
        add(figureKeys.onCallOf('ann'), 'late#0#0', s(20)),
        inc(figureKeys.onCallParts, 'ann', 1),
      ]),
    );
    expect(plan.write.expectedVersion).toBe('4');
    expect(plan.next.version).toBe('5');
    expect(plan.write.events).toEqual([answered]);
    expect(plan.next.events).toEqual([offered, answered]);
    expect([...plan.scopes].sort()).toEqual(['agent:ann', 'all', 'queue:sales']);
  });

  it('yields no operation and no scope when the same events are planned again', () => {
    const e = callOf('same');
    const events = [e('call.offered', s(0), { queue: 'sales' }), e('call.answered', s(20), { agent: 'ann' }), e('call.ended', s(80))];
    const plan = planEntity('call:same', known(events), [], { expired: false, arrivedAt: s(1) }, RULES);
    expect(plan.write.ops).toEqual([]);
    expect(plan.scopes).toEqual([]);
    expect(plan.write.events).toEqual([]);
    expect(plan.next.events).toEqual(events);
  });

  it('recounts a call stored under older rules with the rules of `before`, and moves it to the current ones', () => {
    const e = callOf('rerule');
    const events = [e('call.offered', s(0), { queue: 'vip' }), e('call.answered', s(20), { agent: 'ann' })];
    // Counted when the service level was 30 s; vip's is now 10 s, so the 20 s answer leaves the service level.
    const strict = contextOf({ ...NY, queues: { vip: { serviceLevelMs: 10_000, shortAbandonMs: 5_000 } } });
    const plan = planEntity(
      'call:rerule',
      known(events, { rules: 'fp-old' }),
      [],
      { expired: false, arrivedAt: s(1) },
      { before: current, current: strict, fingerprint: 'fp-strict' },
    );
    expect(sorted(plan.write.ops)).toEqual(sorted(['queue:vip', 'all', 'agent:ann'].map((scope) => inc(day(scope), at('answeredInSL'), -1))));
    expect(plan.next.rules).toBe('fp-strict');
  });
});

describe('planEntity: the live-call timeout', () => {
  it('takes an expired call out of the live sets into the expired set of its last day, keeping its day counters', () => {
    const e = callOf('gone');
    const events = [e('call.offered', s(0), { queue: 'sales' }), e('call.answered', s(20), { agent: 'ann' })];
    const stored = known(events, { arrivedAt: s(25) });
    const plan = planEntity('call:gone', stored, [], { expired: true, arrivedAt: s(25) }, RULES);

    expect(sorted(plan.write.ops)).toEqual(
      sorted([
        remove(figureKeys.onCall, 'ann\u0000gone#0#0'),
        remove(figureKeys.onCallOf('ann'), 'gone#0#0'),
        inc(figureKeys.onCallParts, 'ann', -1),
        add(figureKeys.expired(DAY), 'gone', s(20)),
      ]),
    );
    expect(plan.write).toMatchObject({ force: true, meta: { expired: true, floor: 0 }, events: [], drops: [] });
    expect(plan.write.meta).not.toHaveProperty('arrivedAt');
    expect([...plan.scopes].sort()).toEqual(['agent:ann', 'all', 'queue:sales']);
    const kept = contributionUnder('call:gone', events, current, true);
    expect(kept.counters.get(day('queue:sales'))?.get(at('answered'))).toBe(1);
    expect(kept.counters.get(day('agent:ann'))?.get(at('answered'))).toBe(1);
  });

  it('takes a waiting call out of both waiting sets', () => {
    const e = callOf('gonew');
    const plan = planEntity('call:gonew', known([e('call.offered', s(0), { queue: 'sales' })]), [], { expired: true, arrivedAt: s(1) }, RULES);
    expect(sorted(plan.write.ops)).toEqual(
      sorted([remove(figureKeys.waiting('queue:sales'), 'gonew#0'), remove(figureKeys.waiting('all'), 'gonew#0'), add(figureKeys.expired(DAY), 'gonew', s(0))]),
    );
  });

  it('brings an expired call back when a later event for it arrives', () => {
    const e = callOf('back');
    const offered = e('call.offered', s(0), { queue: 'sales' });
    const answered = e('call.answered', s(20), { agent: 'ann' });
    const plan = planEntity('call:back', known([offered], { expired: true }), [answered], { expired: false, arrivedAt: ARRIVED }, RULES);
    const ops = plan.write.ops;
    expect(ops).toContainEqual(remove(figureKeys.expired(DAY), 'back'));
    expect(ops).toContainEqual(add(figureKeys.onCall, 'ann\u0000back#0#0', s(20)));
    // It had left the waiting sets when it expired: nothing to take out again.
    expect(ops.filter((op) => op.kind === 'removeMember')).toEqual([remove(figureKeys.expired(DAY), 'back')]);
    expect(plan.next.expired).toBe(false);
  });
});

describe('planEntity and keptHistory: an agent', () => {
  it(`keeps the newest ${AGENT_STATES_KEPT} states, drops only stored ids and raises the floor`, () => {
    expect(AGENT_STATES_KEPT).toBe(20);
    const stored = Array.from({ length: 20 }, (_, i) => agentState('ann', s(i + 1), i % 2 === 0 ? 'available' : 'break'));
    const newer = [agentState('ann', s(21), 'available'), agentState('ann', s(22), 'break', 'lunch')];
    const older = agentState('ann', s(0.5), 'offline');
    const plan = planEntity('agent:ann', known(stored), [...newer, older], { expired: false, arrivedAt: ARRIVED }, RULES);

    // 23 states, newest 20 kept: s(3) … s(22). Out fall s(2) and s(1) (stored) and s(0.5) (never stored).
    expect(plan.write.drops).toEqual([stored[1]!.id, stored[0]!.id]);
    expect(plan.write.meta.floor).toBe(s(2));
    expect(plan.next.floor).toBe(s(2));
    expect(plan.write.events).toEqual(newer);
    expect(plan.next.events.map((ev) => ev.at)).toEqual(Array.from({ length: 20 }, (_, i) => s(22 - i)));
    expect(plan.next.ids.has(older.id)).toBe(false);
    // The live state was break (s(20)); it is now break for lunch since s(22). ann was seen before: no counter moves.
    expect(plan.write.ops).toEqual([
      { kind: 'setValue', key: figureKeys.agentStates, field: 'ann', value: JSON.stringify({ state: 'break', at: s(22), reason: 'lunch' }) },
    ]);
    expect([...plan.scopes].sort()).toEqual(['agent:ann', 'all']);
  });

  it('keeps everything, and the floor, at or under the limit', () => {
    const stored = Array.from({ length: 19 }, (_, i) => agentState('bob', s(i + 1), 'available'));
    const added = [agentState('bob', s(30), 'offline')];
    const kept = keptHistory('agent:bob', { events: stored, ids: new Set(stored.map((e) => e.id)), floor: s(-5) }, added);
    expect(kept).toEqual({ events: [...stored, ...added], drops: [], floor: s(-5) });
  });

  it('never lowers a floor that is already above what falls out', () => {
    const stored = Array.from({ length: 20 }, (_, i) => agentState('cy', s(i + 100), 'available'));
    const kept = keptHistory('agent:cy', { events: stored, ids: new Set(stored.map((e) => e.id)), floor: s(99.5) }, [agentState('cy', s(200), 'break')]);
    expect(kept.drops).toEqual([stored[0]!.id]);
    expect(kept.floor).toBe(s(100));
    const higher = keptHistory('agent:cy', { events: stored, ids: new Set(stored.map((e) => e.id)), floor: s(150) }, [agentState('cy', s(200), 'break')]);
    expect(higher.floor).toBe(s(150));
  });

  it('never trims a call, however many events it has', () => {
    const e = callOf('long');
    const events = [e('call.offered', s(0), { queue: 'sales' }), e('call.answered', s(1), { agent: 'ann' })];
    for (let i = 0; i < 15; i++) events.push(e('call.held', s(10 + 2 * i)), e('call.resumed', s(11 + 2 * i)));
    const kept = keptHistory('call:long', { events: [], ids: new Set(), floor: 0 }, events);
    expect(kept.events).toHaveLength(32);
    expect(kept.drops).toEqual([]);
  });
});

describe('groupByEntity', () => {
  it('groups a batch by call and agent in order of first sight, and counts repeats of an id inside it', () => {
    const c1 = callOf('g1');
    const c2 = callOf('g2');
    const offered = c1('call.offered', s(0), { queue: 'sales' });
    const answered = c1('call.answered', s(5), { agent: 'ann' });
    const state = agentState('ann', s(1), 'available');
    const other = c2('call.offered', s(2), { queue: 'care' });
    const { groups, repeats } = groupByEntity([offered, state, answered, { ...offered }, other, state, { ...offered }]);
    expect([...groups.keys()]).toEqual(['call:g1', 'agent:ann', 'call:g2']);
    expect(groups.get('call:g1')).toEqual([offered, answered]);
    expect(groups.get('agent:ann')).toEqual([state]);
    expect(groups.get('call:g2')).toEqual([other]);
    expect(repeats).toBe(3);
  });
});

describe('callOfMember', () => {
  it('reads the call id of a waiting member "<callId>#<segment>"', () => {
    expect(callOfMember('c1#0')).toBe('c1');
    expect(callOfMember('c1#12')).toBe('c1');
    expect(callOfMember('a#b#3')).toBe('a#b');
  });

  it('reads the call id of a part member "<agent>\\0<callId>#<segment>#<part>"', () => {
    expect(callOfMember('ann\u0000c1#0#1')).toBe('c1');
    expect(callOfMember('ann\u0000x#y#2#0')).toBe('x#y');
    expect(callOfMember('a#n\u0000c#1#10#3')).toBe('c#1');
  });

  it('round-trips the members a contribution makes for a call id with "#" in it', () => {
    const e = callOf('q#1#0');
    const c = contributionUnder(
      'call:q#1#0',
      [e('call.offered', s(0), { queue: 'sales' }), e('call.answered', s(3), { agent: 'a#1' }), e('call.held', s(9))],
      current,
      false,
    );
    // The centre's sets (those the live-call sweep reads); an agent's own set holds the part without the agent.
    const live = c.members.filter(([key]) => key === figureKeys.onCall || key === figureKeys.onHold).map(([, member]) => member);
    expect(c.members.filter(([key]) => key === figureKeys.onCallOf('a#1')).map(([, member]) => member)).toEqual(['q#1#0#0#0']);
    expect(live).toEqual(['a#1\u0000q#1#0#0#0', 'a#1\u0000q#1#0#0#0']);
    expect(live.map(callOfMember)).toEqual(['q#1#0', 'q#1#0']);
  });
});
