// Escalations on Socket.IO: the channel that pushes them, and the raise / take / handoff / resolve handlers.
import type { Escalation, EscalationLead } from '../../shared/escalations.ts';
import { principalKey } from '../../shared/roles.ts';
import { refusal, type EscalationAck } from '../../shared/socket.ts';
import type { EscalationChannel, Escalations } from '../domain/escalations.ts';
import { DomainError } from '../domain/errors.ts';
import type { Log } from '../logger.ts';
import type { LiveServer, LiveSocket } from './hub.ts';
import { rooms } from './rooms.ts';

export function createEscalationChannel(io: LiveServer): EscalationChannel {
  return {
    push(escalation) {
      io.to([rooms.inbox(escalation.agent), rooms.supervisors, ...escalation.teams.map(rooms.leads)]).emit('escalation', escalation);
    },
    async leadsOnline(teams) {
      const sockets = await io.in([rooms.supervisors, ...teams.map(rooms.leads)]).fetchSockets();
      // Ids are data: a Map, whatever a lead is called.
      const leads = new Map<string, EscalationLead>();
      for (const { data } of sockets) leads.set(principalKey(data.principal), { key: principalKey(data.principal), name: data.principal.name });
      return [...leads.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
  };
}

/** Every role's handlers (registered at once, before any await; the domain checks who may do what), then the live ones it may see. */
export function registerEscalationHandlers(socket: LiveSocket, escalations: Escalations, log: Log): void {
  const p = socket.data.principal;
  const answer = (step: () => Promise<Escalation>, ack?: (a: EscalationAck) => void) => {
    const reply = typeof ack === 'function' ? ack : () => undefined;
    step().then(
      (escalation) => reply({ ok: true, escalation }),
      (err: Error) => {
        if (err instanceof DomainError) return reply(refusal(err.code, err.message) as EscalationAck);
        log('escalation failed', { error: err.message });
        reply(refusal('store_unavailable', 'unavailable: could not reach the store; retry') as EscalationAck);
      },
    );
  };
  socket.on('escalation:raise', (request, ack) => answer(() => escalations.raise(p, request?.reason), ack));
  socket.on('escalation:take', (request, ack) => answer(() => escalations.take(p, request?.id), ack));
  socket.on('escalation:handoff', (request, ack) => answer(() => escalations.handoff(p, request?.id, request?.to), ack));
  socket.on('escalation:resolve', (request, ack) => answer(() => escalations.resolve(p, request?.id), ack));
  if (p.role === 'agent' || p.role === 'lead' || p.role === 'supervisor' || p.role === 'admin') {
    escalations.liveFor(p).then(
      (list) => list.forEach((e) => socket.emit('escalation', e)),
      (err: Error) => log('escalations on connect failed', { error: err.message }),
    );
  }
}
