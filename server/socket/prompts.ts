// Coaching prompts on Socket.IO: the channel that pushes them, and an agent's prompt:ack / prompt:reply handlers.
import { refusal, type Ack } from '../../shared/socket.ts';
import type { Coaching, CoachingChannel } from '../domain/coaching.ts';
import { DomainError } from '../domain/errors.ts';
import type { Log } from '../logger.ts';
import type { LiveServer, LiveSocket } from './hub.ts';
import { rooms } from './rooms.ts';

export function createPromptChannel(io: LiveServer): CoachingChannel {
  return {
    async deliver(agent, delivery) {
      const sockets = await io.in(rooms.inbox(agent)).fetchSockets();
      if (sockets.length === 0) return false;
      io.to(rooms.inbox(agent)).emit('prompt', delivery);
      return true;
    },
    updated(record, update) {
      if (record.fromKey) io.to(rooms.outbox(record.fromKey)).emit('prompt:updated', update);
      // Supervisors watching a team see its prompts too.
      if (record.team) io.to(rooms.scope(`team:${record.team}`)).emit('prompt:updated', update);
    },
    alert(delivery, teams) {
      io.to([rooms.supervisors, ...teams.map(rooms.leads)]).emit('prompt', delivery);
    },
    async screensOpen(agents) {
      const wanted = new Set(agents);
      const sockets = await io.in(agents.map(rooms.inbox)).fetchSockets();
      return new Set(sockets.map((s) => s.data.principal.agent).filter((a): a is string => a !== undefined && wanted.has(a)));
    },
  };
}

/** An agent's handlers (registered at once, before any await) and the redelivery of what it missed. */
export function registerPromptHandlers(socket: LiveSocket, coaching: Coaching, log: Log): void {
  const p = socket.data.principal;
  if (p.role !== 'agent' || !p.agent) {
    // Only an agent answers its prompts; anyone else asking gets told so, not left waiting for an answer.
    const refuse = (_request: unknown, ack?: (a: Ack) => void) =>
      ack?.(refusal('forbidden', `forbidden: the ${p.role} role does not answer prompts; an agent acknowledges and replies to its own`));
    socket.on('prompt:ack', refuse);
    socket.on('prompt:reply', refuse);
    return;
  }
  const agent = p.agent;
  const answer = (step: () => Promise<unknown>, ack?: (a: Ack) => void) =>
    step().then(
      () => ack?.({ ok: true }),
      (err: Error) => ack?.(err instanceof DomainError ? refusal(err.code, err.message) : refusal('store_unavailable', 'unavailable: retry')),
    );
  socket.on('prompt:ack', (request, ack) => {
    const id = request?.id;
    void answer(
      () => (typeof id === 'string' ? coaching.advance(id, agent, 'acknowledged') : Promise.reject(new DomainError('bad_request', 'id: is required'))),
      ack,
    );
  });
  socket.on('prompt:reply', (request, ack) => {
    const text = typeof request?.text === 'string' ? request.text.trim() : '';
    const id = request?.id;
    const problem = typeof id !== 'string' ? 'id: is required' : text.length === 0 || text.length > 1000 ? 'text: must be 1 to 1000 characters' : null;
    void answer(
      () => (problem === null ? coaching.advance(id as string, agent, 'replied', text) : Promise.reject(new DomainError('bad_request', problem))),
      ack,
    );
  });
  coaching.redeliver(agent, (delivery) => socket.emit('prompt', delivery)).catch((err: Error) => log('prompt redelivery failed', { error: err.message }));
}
