// The live connection: typed Socket.IO, subscriptions re-made on every reconnect, banners, prompts.
import { io, type Socket } from 'socket.io-client';
import type { Metrics } from '../../../shared/figures.ts';
import type { Ack, Banner, ClientToServerEvents, PromptDelivery, PromptUpdate, ServerToClientEvents } from '../../../shared/socket.ts';
import { clock } from './clock.svelte.ts';

export class LiveConnection {
  connected = $state(false);
  /** Why the last connection attempt failed (a refused token, for instance). */
  connectError = $state<string | null>(null);
  /** When the last figures arrived (server clock), to show their age while disconnected. */
  lastDataAt = $state<number | null>(null);
  banners = $state<Banner[]>([]);
  metrics = $state<Record<string, Metrics>>({});
  subscribeErrors = $state<Record<string, string>>({});
  prompts = $state<PromptDelivery[]>([]);
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  // Not reactive on purpose: it only remembers what to re-subscribe after a reconnect.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #scopes = new Set<string>();
  #updateListeners: ((u: PromptUpdate) => void)[] = [];

  constructor(token?: string) {
    this.socket = io({ auth: token ? { token } : {}, withCredentials: true, reconnectionDelayMax: 5000 });
    this.socket.on('connect', () => {
      this.connected = true;
      this.connectError = null;
      for (const scope of this.#scopes) this.#subscribe(scope);
    });
    this.socket.on('disconnect', (reason) => {
      this.connected = false;
      // A server-side disconnect (revoked token, signed out) is not retried by Socket.IO by itself.
      if (reason === 'io server disconnect') this.connectError = 'disconnected by the server (revoked or signed out)';
    });
    this.socket.on('connect_error', (err) => {
      this.connected = false;
      this.connectError = err.message;
    });
    this.socket.on('clock:synced', ({ now }) => clock.sync(now));
    this.socket.on('banners', (list) => (this.banners = list));
    this.socket.on('metrics', (m) => {
      this.metrics[m.scope] = m;
      this.lastDataAt = clock.now;
    });
    this.socket.on('prompt', (p) => {
      const at = this.prompts.findIndex((x) => x.id === p.id);
      if (at >= 0) this.prompts[at] = { ...this.prompts[at], ...p };
      else this.prompts = [p, ...this.prompts];
    });
    this.socket.on('prompt:updated', (u) => {
      for (const listener of this.#updateListeners) listener(u);
    });
  }

  subscribe(scope: string): void {
    this.#scopes.add(scope);
    if (this.socket.connected) this.#subscribe(scope);
  }

  unsubscribe(scope: string): void {
    this.#scopes.delete(scope);
    this.socket.emit('unsubscribe', { scope });
  }

  onPromptUpdate(listener: (u: PromptUpdate) => void): void {
    this.#updateListeners.push(listener);
  }

  ack(id: string): Promise<Ack> {
    return new Promise((resolve) => this.socket.emit('prompt:ack', { id }, resolve));
  }

  reply(id: string, text: string): Promise<Ack> {
    return new Promise((resolve) => this.socket.emit('prompt:reply', { id, text }, resolve));
  }

  close(): void {
    this.socket.close();
  }

  #subscribe(scope: string): void {
    this.socket.emit('subscribe', { scope }, (answer) => {
      if (answer.ok) delete this.subscribeErrors[scope];
      else this.subscribeErrors[scope] = answer.error;
    });
  }
}
