// The live connection: typed Socket.IO, subscriptions re-made on every reconnect, banners, prompts.
import { io, type Socket } from 'socket.io-client';
import { untrack } from 'svelte';
import { applyDelta } from '../../../shared/delta.ts';
import type { Escalation } from '../../../shared/escalations.ts';
import type { Metrics } from '../../../shared/figures.ts';
import type { EvaluationUpdate } from '../../../shared/qa.ts';
import type {
  Ack,
  Banner,
  ClientToServerEvents,
  EscalationAck,
  PromptDelivery,
  PromptUpdate,
  ServerToClientEvents,
  SubscriptionEnded,
} from '../../../shared/socket.ts';
import { clock } from './clock.svelte.ts';
import type { MessageKey } from './i18n/translate.ts';
import { ScopeGroups } from './scopes.ts';

export class LiveConnection {
  connected = $state(false);
  /** Why the last connection attempt failed, as a catalogue message (never the transport's own text). */
  connectError = $state<MessageKey | null>(null);
  /** The server ended or refused this screen's access (token revoked, signed out): nothing more comes, no retry. */
  get ended(): boolean {
    return !this.connected && (this.connectError === 'connection.closed' || this.connectError === 'connection.refused');
  }
  /** When the last figures arrived (server clock), to show their age while disconnected. */
  lastDataAt = $state<number | null>(null);
  banners = $state<Banner[]>([]);
  metrics = $state<Record<string, Metrics>>({});
  subscribeErrors = $state<Record<string, string>>({});
  prompts = $state<PromptDelivery[]>([]);
  /** Escalations this screen may see, as last pushed (live ones on connecting, then every change), oldest first. */
  escalations = $state<Escalation[]>([]);
  readonly #socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  // Not reactive on purpose: it only remembers what to subscribe, and re-subscribe after a reconnect.
  readonly #scopes = new ScopeGroups();
  #updateListeners: ((u: PromptUpdate) => void)[] = [];
  #evaluationListeners: ((u: EvaluationUpdate) => void)[] = [];
  #endedListeners: ((e: SubscriptionEnded) => void)[] = [];

  constructor(token?: string) {
    this.#socket = io({ auth: token ? { token } : {}, withCredentials: true, reconnectionDelayMax: 5000 });
    this.#socket.on('connect', () => {
      this.connected = true;
      this.connectError = null;
      for (const scope of this.#scopes.wanted()) this.#subscribe(scope);
    });
    this.#socket.on('disconnect', (reason) => {
      this.connected = false;
      // A server-side disconnect (revoked token, signed out) is not retried by Socket.IO by itself.
      if (reason === 'io server disconnect') this.connectError = 'connection.closed';
    });
    this.#socket.on('connect_error', (err) => {
      this.connected = false;
      // The server's refusals start with a code ("unauthorized: …"); anything else is the transport's ("xhr poll error").
      this.connectError = /^(unauthorized|forbidden)\b/.test(err.message) ? 'connection.refused' : 'connection.lost';
    });
    this.#socket.on('clock:synced', ({ now }) => clock.sync(now));
    this.#socket.on('banners', (list) => (this.banners = list));
    this.#socket.on('metrics', (m) => {
      // Figures still in flight for a scope just unfollowed are dropped, not kept to go stale.
      if (!this.#scopes.has(m.scope)) return;
      this.metrics[m.scope] = m;
      this.lastDataAt = clock.now;
    });
    // Subscriptions ask for deltas: the whole figures once, then only what changed, merged here into the same object.
    this.#socket.on('metrics:delta', (d) => {
      if (!this.#scopes.has(d.scope)) return;
      const base = this.metrics[d.scope];
      // No figures to merge into (dropped meanwhile): subscribing again brings the whole object.
      if (!base) return this.#subscribe(d.scope);
      this.metrics[d.scope] = applyDelta(base, d);
      this.lastDataAt = clock.now;
    });
    // The server ended a subscription (its scope may no longer be read, or is gone): its figures go, the reason stays.
    this.#socket.on('subscription:ended', (e) => {
      if (!this.#scopes.has(e.scope)) return;
      delete this.metrics[e.scope];
      this.subscribeErrors[e.scope] = e.error;
      for (const listener of this.#endedListeners) listener(e);
    });
    this.#socket.on('prompt', (p) => {
      const at = this.prompts.findIndex((x) => x.id === p.id);
      if (at >= 0) this.prompts[at] = { ...this.prompts[at], ...p };
      else this.prompts = [p, ...this.prompts];
    });
    this.#socket.on('escalation', (e) => this.#keep(e));
    this.#socket.on('prompt:updated', (u) => {
      for (const listener of this.#updateListeners) listener(u);
    });
    this.#socket.on('qa:evaluation', (u) => {
      for (const listener of this.#evaluationListeners) listener(u);
    });
  }

  /**
   * Sets the scopes one part of a screen follows (`group` names that part): the ones no longer wanted by any
   * group are unsubscribed and forgotten, the new ones subscribed. Safe to call from an effect: it reads no state.
   */
  follow(group: string, scopes: Iterable<string>): void {
    untrack(() => {
      const { added, removed } = this.#scopes.set(group, scopes);
      for (const scope of removed) {
        // A server forgets a socket's subscriptions when it drops: only a connected one has any to end.
        if (this.#socket.connected) this.#socket.emit('unsubscribe', { scope });
        delete this.metrics[scope];
        delete this.subscribeErrors[scope];
      }
      if (this.#socket.connected) for (const scope of added) this.#subscribe(scope);
    });
  }

  onPromptUpdate(listener: (u: PromptUpdate) => void): void {
    this.#updateListeners.push(listener);
  }

  /** Subscriptions the server ended, so a screen can look again at what it shows (a team whose agents changed). */
  onSubscriptionEnded(listener: (e: SubscriptionEnded) => void): void {
    this.#endedListeners.push(listener);
  }

  /** Quality evaluations as they change (comments, acknowledgements, releases). */
  onEvaluation(listener: (u: EvaluationUpdate) => void): void {
    this.#evaluationListeners.push(listener);
  }

  ack(id: string): Promise<Ack> {
    return new Promise((resolve) => this.#socket.emit('prompt:ack', { id }, resolve));
  }

  reply(id: string, text: string): Promise<Ack> {
    return new Promise((resolve) => this.#socket.emit('prompt:reply', { id, text }, resolve));
  }

  /** Asks for help on the current call (agents), or takes, hands on or resolves an escalation (leads, supervisors). */
  escalate(reason: string): Promise<EscalationAck> {
    return this.#escalation('escalation:raise', reason ? { reason } : {});
  }

  take(id: string): Promise<EscalationAck> {
    return this.#escalation('escalation:take', { id });
  }

  handoff(id: string, to: string): Promise<EscalationAck> {
    return this.#escalation('escalation:handoff', { id, to });
  }

  resolve(id: string): Promise<EscalationAck> {
    return this.#escalation('escalation:resolve', { id });
  }

  #escalation<E extends 'escalation:raise' | 'escalation:take' | 'escalation:handoff' | 'escalation:resolve'>(
    event: E,
    request: Parameters<ClientToServerEvents[E]>[0],
  ): Promise<EscalationAck> {
    return new Promise((resolve) => {
      // One signature per event; the map's union is not callable with a generic event name.
      (this.#socket.emit as (e: string, r: unknown, ack: (a: EscalationAck) => void) => void)(event, request, (answer) => {
        if (answer.ok) this.#keep(answer.escalation);
        resolve(answer);
      });
    });
  }

  /** The newest word on an escalation, pushed or answered (the push may come first or second). */
  #keep(e: Escalation): void {
    const at = this.escalations.findIndex((x) => x.id === e.id);
    if (at >= 0) this.escalations[at] = e;
    else this.escalations = [...this.escalations, e];
  }

  #subscribe(scope: string): void {
    this.#socket.emit('subscribe', { scope, delta: true }, (answer) => {
      if (answer.ok) delete this.subscribeErrors[scope];
      else this.subscribeErrors[scope] = answer.error;
    });
  }
}
