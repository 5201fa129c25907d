// A call's record as its timeline: every moment in time order, transfers and timeouts named.
import { describe, expect, it } from 'vitest';
import { timelineOf } from '../../client/src/lib/callTimeline.ts';
import type { CallRecord } from '../../shared/calls.ts';

const at = (s: number) => new Date(Date.UTC(2026, 10, 25, 9, 0, s)).toISOString();

describe('timelineOf', () => {
  it('lists offers, answers, a transfer, an end, a wrap-up and a survey in time order', () => {
    const call: CallRecord = {
      callId: 'c1',
      caller: null,
      callType: null,
      startedAt: at(0),
      segments: [
        { queue: 'sales', offeredAt: at(0), outcome: 'answered', waitMs: 5000 },
        { queue: 'billing', offeredAt: at(60), outcome: 'answered', waitMs: 3000 },
      ],
      parts: [
        {
          agent: 'a1',
          segment: 0,
          answeredAt: at(5),
          endedAt: at(60),
          wrappedAt: null,
          talkMs: 55000,
          holdMs: 0,
          wrapMs: 0,
          transferredTo: 'billing',
          resolved: null,
        },
        {
          agent: 'a2',
          segment: 1,
          answeredAt: at(63),
          endedAt: at(120),
          wrappedAt: at(150),
          talkMs: 57000,
          holdMs: 0,
          wrapMs: 30000,
          transferredTo: null,
          resolved: true,
        },
      ],
      survey: 4,
      surveys: [{ at: at(200), score: 4 }],
      resolved: true,
    };
    expect(timelineOf(call).map((m) => `${m.at.slice(17, 19)} ${m.kind} ${m.who}`)).toEqual([
      '00 offered sales',
      '05 answered a1',
      '00 transferred billing',
      '00 offered billing',
      '03 answered a2',
      '00 ended a2',
      '30 wrapped a2',
      '20 survey 4',
    ]);
  });

  it('places an abandon or a timeout at the end of its wait, and leaves out what has not happened', () => {
    const call: CallRecord = {
      callId: 'c2',
      caller: '__proto__',
      callType: null,
      startedAt: at(0),
      segments: [
        { queue: 'constructor', offeredAt: at(0), outcome: 'timeout', waitMs: 90_000 },
        { queue: 'sales', offeredAt: at(100), outcome: 'waiting', waitMs: null },
      ],
      parts: [],
      survey: null,
      surveys: [],
      resolved: null,
    };
    expect(timelineOf(call).map((m) => [m.at, m.kind, m.who])).toEqual([
      [at(0), 'offered', 'constructor'],
      [at(90), 'timeout', 'constructor'],
      [at(100), 'offered', 'sales'],
    ]);
  });
});
