// Quality evaluations on Socket.IO: each change goes to its evaluator, supervisors and the agent's leads; the agent hears
// only of released evaluations (and its own self-assessments), so a draft never reaches its screen.
import type { QaChannel } from '../domain/qaEvaluations.ts';
import type { LiveServer } from './hub.ts';
import { rooms } from './rooms.ts';

export function createQaChannel(io: LiveServer): QaChannel {
  const staff = (teams: string[]) => [rooms.supervisors, ...teams.map(rooms.leads)];
  return {
    updated(record, teams) {
      const update = { evaluation: record };
      const agentSees = record.status === 'released' || record.kind === 'self';
      // An agent's unsent self-assessment is its own: nobody else hears of it.
      const others = record.kind === 'self' && record.status !== 'released' ? [] : [rooms.outbox(record.evaluatorKey), ...staff(teams)];
      const to = [...others, ...(agentSees ? [rooms.inbox(record.agent)] : [])];
      if (to.length > 0) io.to(to).emit('qa:evaluation', update);
    },
    withdrawn(record, teams) {
      io.to([rooms.outbox(record.evaluatorKey), ...staff(teams)]).emit('qa:evaluation', { evaluation: record });
      io.to(rooms.inbox(record.agent)).emit('qa:evaluation', { id: record.id, withdrawn: true });
    },
  };
}
