// A call's record as a timeline: every moment of it, in time order, for the call log's detail view.
import type { CallRecord } from '../../../shared/calls.ts';

export type MomentKind = 'offered' | 'answered' | 'abandoned' | 'timeout' | 'ended' | 'transferred' | 'wrapped' | 'survey';

interface Moment {
  at: string;
  kind: MomentKind;
  /** The queue (offered, abandoned, timeout), the agent (answered, ended, wrapped), the target (transferred), the score (survey). */
  who: string;
}

/** At the same instant, a moment's place: a transfer before the offer it makes, an offer before its answer. */
const RANK: Record<MomentKind, number> = { transferred: 0, ended: 1, offered: 2, answered: 3, abandoned: 4, timeout: 4, wrapped: 5, survey: 6 };

/** Every moment the record knows, oldest first (at the same instant, in the order a call lives them). */
export function timelineOf(call: CallRecord): Moment[] {
  const moments: Moment[] = [];
  for (const segment of call.segments) {
    if (!segment.offeredAt) continue;
    moments.push({ at: segment.offeredAt, kind: 'offered', who: segment.queue ?? '' });
    if ((segment.outcome === 'abandoned' || segment.outcome === 'timeout') && segment.waitMs !== null) {
      const at = new Date(Date.parse(segment.offeredAt) + segment.waitMs).toISOString();
      moments.push({ at, kind: segment.outcome, who: segment.queue ?? '' });
    }
  }
  for (const part of call.parts) {
    moments.push({ at: part.answeredAt, kind: 'answered', who: part.agent });
    if (part.endedAt) moments.push({ at: part.endedAt, kind: part.transferredTo ? 'transferred' : 'ended', who: part.transferredTo ?? part.agent });
    if (part.wrappedAt) moments.push({ at: part.wrappedAt, kind: 'wrapped', who: part.agent });
  }
  for (const survey of call.surveys) moments.push({ at: survey.at, kind: 'survey', who: String(survey.score) });
  return moments
    .map((moment, order) => ({ moment, order, ms: Date.parse(moment.at) }))
    .sort((a, b) => a.ms - b.ms || RANK[a.moment.kind] - RANK[b.moment.kind] || a.order - b.order)
    .map(({ moment }) => moment);
}
