// Escalation counts as the lead console and reports show them: per period in the centre's time zone.
import { describe, expect, it } from 'vitest';
import { escalationStats, type Escalation } from '../../shared/escalations.ts';
import { escalationRows } from '../../server/domain/escalations.ts';

const escalation = (id: string, raisedAt: string, extra: Partial<Escalation> = {}): Escalation => ({
  id,
  agent: 'a1',
  teams: ['red'],
  callId: `c-${id}`,
  queue: 'sales',
  status: 'open',
  raisedAt,
  ...extra,
});

describe('escalation counts', () => {
  it('counts live ones and means only over those taken or resolved', () => {
    const list = [
      escalation('1', '2026-03-10T10:00:00Z', { status: 'resolved', timeToTakeMs: 10_000, timeToResolveMs: 60_000 }),
      escalation('2', '2026-03-10T11:00:00Z', { status: 'taken', timeToTakeMs: 30_000 }),
      escalation('3', '2026-03-10T12:00:00Z', { status: 'callEnded' }),
      escalation('4', '2026-03-10T13:00:00Z'),
    ];
    expect(escalationStats(list)).toEqual({ count: 4, open: 2, meanTimeToTakeMs: 20_000, meanTimeToResolveMs: 60_000 });
    expect(escalationStats([])).toEqual({ count: 0, open: 0, meanTimeToTakeMs: null, meanTimeToResolveMs: null });
  });

  it("puts each in the centre's day, ISO week (from Monday) and month", () => {
    // 03:30 UTC on Monday 2 March is still Sunday 1 March in New York: another day and the week before, the same month.
    const list = [escalation('a', '2026-03-02T03:30:00Z'), escalation('b', '2026-03-02T15:00:00Z'), escalation('c', '2026-02-28T18:00:00Z')];
    const tz = 'America/New_York';
    expect(escalationRows(list, tz, 'day').map((r) => [r.start, r.count])).toEqual([
      ['2026-02-28T00:00:00.000-05:00', 1],
      ['2026-03-01T00:00:00.000-05:00', 1],
      ['2026-03-02T00:00:00.000-05:00', 1],
    ]);
    expect(escalationRows(list, tz, 'week').map((r) => [r.start, r.count])).toEqual([
      ['2026-02-23T00:00:00.000-05:00', 2],
      ['2026-03-02T00:00:00.000-05:00', 1],
    ]);
    expect(escalationRows(list, tz, 'month').map((r) => [r.start, r.count])).toEqual([
      ['2026-02-01T00:00:00.000-05:00', 1],
      ['2026-03-01T00:00:00.000-05:00', 2],
    ]);
    expect(escalationRows(list, 'UTC', 'week').map((r) => [r.start, r.count])).toEqual([
      ['2026-02-23T00:00:00.000Z', 1],
      ['2026-03-02T00:00:00.000Z', 2],
    ]);
  });
});
