// Coaching prompts: stored durably with each recipient's delivery, acknowledgement and reply, pushed live.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { StoreKeys } from '../redis/keys.ts';
import type { Priority, PromptDelivery, PromptRecord, PromptStatus, PromptUpdate, Recipient } from '../../shared/socket.ts';
import type { Directory } from '../auth/directory.ts';
import type { Log } from '../logger.ts';
import type { LiveServer, LiveSocket } from '../socket/hub.ts';
import { rooms } from '../socket/rooms.ts';

export interface PromptQuery {
  agent?: string;
  team?: string;
  lead?: string;
  from?: number;
  to?: number;
  limit?: number;
}

export class DomainError extends Error {
  constructor(
    readonly code: 'not_found' | 'forbidden' | 'bad_request',
    message: string,
  ) {
    super(message);
  }
}

const RANK: Record<PromptStatus, number> = { sent: 0, delivered: 1, acknowledged: 2, replied: 3 };

export function createPromptService(deps: { redis: Redis; keys: StoreKeys; io: LiveServer; directory: Directory; log: Log; retentionDays: number }) {
  const { redis, io, directory } = deps;
  const key = deps.keys.prompts;

  async function load(id: string): Promise<PromptRecord | null> {
    const hash = await redis.hgetall(key.prompt(id));
    if (!hash.meta) return null;
    const record = JSON.parse(hash.meta) as PromptRecord;
    record.recipients = recipientMap();
    for (const [field, value] of Object.entries(hash)) if (field.startsWith('r:')) record.recipients[field.slice(2)] = JSON.parse(value) as Recipient;
    return record;
  }

  /** Sends a prompt to an agent or every agent of a team; the caller has been checked by `mayCoach`. */
  async function send(
    input: { to: string; text: string; priority: Priority },
    sender: { name: string; role: string; key?: string },
    auto = false,
  ): Promise<PromptRecord> {
    const [kind, target] = [input.to.slice(0, input.to.indexOf(':')), input.to.slice(input.to.indexOf(':') + 1)];
    // A queue alert (automatic only) goes to leads and supervisors, not to agents.
    let agents = kind === 'queue' ? [] : [target];
    let team: string | undefined;
    if (kind === 'team') {
      const members = await directory.agentsOf(target);
      if (!members) throw new DomainError('not_found', `to: no team "${target}"`);
      if (members.length === 0) throw new DomainError('bad_request', `to: team "${target}" has no agents`);
      agents = [...new Set(members)];
      team = target;
    }
    const now = Date.now();
    const record: PromptRecord = {
      id: randomUUID(),
      from: sender.name,
      fromRole: sender.role,
      fromKey: sender.key,
      to: input.to,
      text: input.text,
      priority: input.priority,
      sentAt: new Date(now).toISOString(),
      auto,
      recipients: recipientMap(),
    };
    if (team) record.team = team;
    const { recipients: _r, ...meta } = record;
    const tx = redis.multi().hset(key.prompt(record.id), 'meta', JSON.stringify(meta));
    for (const agent of agents) {
      record.recipients[agent] = { status: 'sent' };
      tx.hset(key.prompt(record.id), `r:${agent}`, JSON.stringify(record.recipients[agent])).zadd(key.inbox(agent), now, record.id);
    }
    tx.zadd(key.log, now, record.id);
    await tx.exec();
    for (const agent of agents) notifySender(record, agent, 'sent', record.sentAt);
    for (const agent of agents) await deliver(record, agent);
    if (kind === 'queue') {
      // A queue alert goes to supervisors and to the leads of the teams that serve the queue.
      const teams = [...(await directory.teamsTouching([], [target]))];
      io.to([rooms.supervisors, ...teams.map(rooms.leads)]).emit('prompt', delivery(record, { status: 'delivered' }));
    }
    void trim().catch(() => undefined);
    return record;
  }

  /** Pushes a prompt to the agent's open sockets; marks it delivered when one is connected. */
  async function deliver(record: PromptRecord, agent: string): Promise<void> {
    const sockets = await io.in(rooms.inbox(agent)).fetchSockets();
    if (sockets.length === 0) return;
    const recipient = recipientOf(record, agent);
    if (!recipient) return;
    io.to(rooms.inbox(agent)).emit('prompt', delivery(record, recipient));
    if (recipient.status === 'sent') await advance(record.id, agent, 'delivered');
  }

  /** Moves a recipient forward (never back) and tells the sender. */
  async function advance(id: string, agent: string, status: PromptStatus, reply?: string): Promise<PromptRecord> {
    const record = await load(id);
    const recipient = record ? recipientOf(record, agent) : undefined;
    if (!record || !recipient) throw new DomainError('not_found', 'id: no such prompt for this agent');
    const at = new Date().toISOString();
    if (status === 'delivered') recipient.deliveredAt ??= at;
    if (status === 'acknowledged') {
      recipient.deliveredAt ??= at;
      recipient.acknowledgedAt ??= at;
    }
    if (status === 'replied') {
      recipient.deliveredAt ??= at;
      recipient.acknowledgedAt ??= at;
      recipient.repliedAt = at;
      recipient.reply = reply;
    }
    if (RANK[status] >= RANK[recipient.status]) recipient.status = status;
    await redis.hset(key.prompt(id), `r:${agent}`, JSON.stringify(recipient));
    notifySender(record, agent, status, at, reply);
    return record;
  }

  function notifySender(record: PromptRecord, agent: string, status: PromptStatus, at: string, reply?: string): void {
    const update: PromptUpdate = { id: record.id, status, at, agent, ...(reply !== undefined ? { reply } : {}) };
    if (record.fromKey) io.to(rooms.outbox(record.fromKey)).emit('prompt:updated', update);
    // Supervisors watching a team see its prompts too.
    if (record.team) io.to(rooms.scope(`team:${record.team}`)).emit('prompt:updated', update);
  }

  /** On an agent's connection: every prompt of the last day it has not yet acknowledged. */
  async function onConnected(socket: LiveSocket): Promise<void> {
    const p = socket.data.principal;
    if (p.role !== 'agent' || !p.agent) return;
    const agent = p.agent;
    const answer = (step: Promise<unknown>, ack?: (a: { ok: true } | { ok: false; error: string }) => void) =>
      step.then(
        () => ack?.({ ok: true }),
        (err: Error) => ack?.({ ok: false, error: err instanceof DomainError ? err.message : 'unavailable: retry' }),
      );
    socket.on('prompt:ack', (request, ack) => {
      void answer(
        typeof request?.id === 'string' ? advance(request.id, agent, 'acknowledged') : Promise.reject(new DomainError('bad_request', 'id: is required')),
        ack,
      );
    });
    socket.on('prompt:reply', (request, ack) => {
      const text = typeof request?.text === 'string' ? request.text.trim() : '';
      const valid = typeof request?.id === 'string' && text.length > 0 && text.length <= 1000;
      void answer(
        valid ? advance(request.id, agent, 'replied', text) : Promise.reject(new DomainError('bad_request', 'text: must be 1 to 1000 characters')),
        ack,
      );
    });
    try {
      const ids = await redis.zrangebyscore(key.inbox(agent), Date.now() - 24 * 3600 * 1000, '+inf');
      for (const id of ids) {
        const record = await load(id);
        const recipient = record ? recipientOf(record, agent) : undefined;
        if (!record || !recipient || RANK[recipient.status] >= RANK.acknowledged) continue;
        socket.emit('prompt', delivery(record, recipient));
        if (recipient.status === 'sent') await advance(id, agent, 'delivered');
      }
    } catch (err) {
      deps.log('prompt redelivery failed', { error: (err as Error).message });
    }
  }

  async function list(query: PromptQuery): Promise<PromptRecord[]> {
    const ids = await redis.zrevrangebyscore(key.log, query.to ?? '+inf', query.from ?? '-inf', 'LIMIT', 0, query.limit ?? 5000);
    const records = (await Promise.all(ids.map(load))).filter((r): r is PromptRecord => r !== null);
    // A team's log holds its team-wide prompts and every prompt to one of its agents.
    const members = query.team ? new Set((await directory.agentsOf(query.team)) ?? []) : undefined;
    const forTeam = (r: PromptRecord) => !query.team || r.team === query.team || Object.keys(r.recipients).some((a) => members!.has(a));
    return records.filter(
      (r) => (query.agent === undefined || Object.hasOwn(r.recipients, query.agent)) && forTeam(r) && (!query.lead || r.from === query.lead),
    );
  }

  /** Drops prompts older than the retention (default over 12 months). */
  async function trim(): Promise<void> {
    const cutoff = Date.now() - deps.retentionDays * 24 * 3600 * 1000;
    const old = await redis.zrangebyscore(key.log, '-inf', cutoff, 'LIMIT', 0, 500);
    if (old.length === 0) return;
    const tx = redis.multi().zremrangebyscore(key.log, '-inf', cutoff);
    for (const id of old) tx.del(key.prompt(id));
    await tx.exec();
  }

  return { send, advance, onConnected, list, load };
}

export type PromptService = ReturnType<typeof createPromptService>;

/** Recipients by agent id: ids are data, so no prototype (an agent may be called `__proto__` or `constructor`). */
export function recipientMap(): Record<string, Recipient> {
  return Object.create(null) as Record<string, Recipient>;
}

/** One agent's part of a prompt, own keys only. */
export function recipientOf(record: PromptRecord, agent: string): Recipient | undefined {
  return Object.hasOwn(record.recipients, agent) ? record.recipients[agent] : undefined;
}

function delivery(record: PromptRecord, recipient: Recipient): PromptDelivery {
  return {
    id: record.id,
    from: record.from,
    text: record.text,
    priority: record.priority,
    sentAt: record.sentAt,
    status: recipient.status,
    ...(recipient.reply ? { reply: recipient.reply } : {}),
  };
}
