// An independent model of the figures from call records: what GET /api/v1/calls says, summed as CONTRACT "Figures" says.
import type { CallRecord } from '../../shared/calls.ts';

type Totals = Map<string, Map<string, Record<string, number>>>;

const localDay = (iso: string) => iso.slice(0, 10);

/** scope → local day → counters, from the calls' segments, parts and surveys (the ISO times carry the centre's offset). */
export function figuresOfCalls(calls: CallRecord[], thresholds = { serviceLevelMs: 30_000, shortAbandonMs: 5_000 }): Totals {
  const totals: Totals = new Map();
  const add = (scopes: (string | null)[], iso: string, name: string, n = 1) => {
    for (const scope of scopes) {
      if (scope === null) continue;
      for (const s of scope.startsWith('queue:') ? [scope, 'all'] : [scope]) {
        const days = totals.get(s) ?? totals.set(s, new Map()).get(s)!;
        const day = days.get(localDay(iso)) ?? days.set(localDay(iso), {}).get(localDay(iso))!;
        day[name] = (day[name] ?? 0) + n;
      }
    }
  };
  for (const call of calls) {
    call.segments.forEach((segment, index) => {
      const queue = segment.queue === null ? null : `queue:${segment.queue}`;
      const parts = call.parts.filter((p) => p.segment === index);
      if (segment.offeredAt !== null && queue !== null) {
        const at = segment.offeredAt;
        add([queue], at, 'offered');
        const wait = segment.waitMs ?? 0;
        if (segment.outcome === 'answered') {
          const who = [queue, parts[0] ? `agent:${parts[0].agent}` : null];
          add(who, at, 'answered');
          add(who, at, 'answerWaitMs', wait);
          if (wait <= thresholds.serviceLevelMs) add(who, at, 'answeredInSL');
        }
        if (segment.outcome === 'abandoned') {
          add([queue], at, 'abandoned');
          if (wait < thresholds.shortAbandonMs) add([queue], at, 'shortAbandoned');
        }
        if (segment.outcome === 'timeout') add([queue], at, 'timedOut');
      }
      for (const part of parts) {
        if (part.talkMs === null) continue;
        const who = [queue, `agent:${part.agent}`];
        const at = part.transferredTo !== null ? part.endedAt! : part.wrappedAt!;
        if (part.transferredTo !== null) add(who, at, 'transfers');
        add(who, at, 'handled');
        add(who, at, 'talkMs', part.talkMs);
        add(who, at, 'holdMs', part.holdMs!);
        add(who, at, 'wrapMs', part.wrapMs!);
        if (part.resolved !== null && part.transferredTo === null) add(who, at, part.resolved ? 'resolved' : 'unresolved');
      }
    });
    const lastQueue = call.segments.at(-1)?.queue ?? null;
    const lastAgent = call.parts.at(-1)?.agent ?? null;
    for (const survey of call.surveys) {
      const who = [lastQueue === null ? null : `queue:${lastQueue}`, lastAgent === null ? null : `agent:${lastAgent}`];
      add(who, survey.at, 'surveys');
      if (survey.score >= 4) add(who, survey.at, 'satisfied');
    }
  }
  return totals;
}
