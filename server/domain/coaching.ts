// Coaching prompts: who gets one, how each recipient moves from sent to replied, and the log. Pushing to
// screens is the channel's job (socket/prompts.ts); keeping them is the store's.
import { randomUUID } from 'node:crypto';
import type { Priority, PromptDelivery, PromptWords, PromptRecord, PromptStatus, PromptUpdate, Recipient } from '../../shared/socket.ts';
import { recipientMap, type PromptStore } from '../redis/promptStore.ts';
import type { Clock } from './clock.ts';
import { DomainError } from './errors.ts';

/** Where prompts go live: agents' screens, senders' screens, and queue alerts to supervisors and leads. */
export interface CoachingChannel {
  /** Pushes a prompt to the agent's open screens; false when none is open. */
  deliver(agent: string, delivery: PromptDelivery): Promise<boolean>;
  /** Tells the sender (and supervisors watching the team) how a recipient moved. */
  updated(record: PromptRecord, update: PromptUpdate): void;
  /** A queue alert to supervisors and to the leads of `teams`. */
  alert(delivery: PromptDelivery, teams: string[]): void;
  /** Which of these agents have a screen open now (one look across the cluster). */
  screensOpen(agents: string[]): Promise<Set<string>>;
}

/** The teams the coaching domain needs to know of. */
interface CoachingTeams {
  agentsOf(team: string): Promise<string[] | null>;
  teamsTouching(agents: Iterable<string>, queues: Iterable<string>): Promise<Set<string>>;
}

interface PromptQuery {
  agent?: string;
  team?: string;
  lead?: string;
  from?: number;
  to?: number;
  limit?: number;
}

interface Sender {
  name: string;
  role: string;
  /** The sender's principal key: its screens get the status updates. */
  key?: string;
}

const RANK: Record<PromptStatus, number> = { sent: 0, delivered: 1, acknowledged: 2, replied: 3 };
const DAY_MS = 24 * 3600 * 1000;
/** Prompts looked at again when an agent's screen connects: the newest of the last day (each is a read and a push). */
export const MAX_REDELIVERED = 50;

export function createCoaching(deps: { store: PromptStore; teams: CoachingTeams; channel: CoachingChannel; clock: Clock; retentionDays: number }) {
  const { store, teams, channel, clock } = deps;

  /** Sends a prompt to an agent, every agent of a team, or (automatic only) a queue's leads; the caller was checked. */
  async function send(input: { to: string; text: string; priority: Priority; words?: PromptWords }, sender: Sender, auto = false): Promise<PromptRecord> {
    const cut = input.to.indexOf(':');
    const [kind, target] = [input.to.slice(0, cut), input.to.slice(cut + 1)];
    const { agents, team } = await audienceOf(kind, target);
    const now = clock();
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
      ...(input.words ? { words: input.words } : {}),
      recipients: recipientMap(),
      ...(team ? { team } : {}),
    };
    for (const agent of agents) record.recipients[agent] = { status: 'sent' };
    await store.create(record, now);
    for (const agent of agents) channel.updated(record, { id: record.id, status: 'sent', at: record.sentAt, agent });
    for (const agent of agents) await deliver(record, agent);
    if (kind === 'queue') channel.alert(delivery(record, { status: 'delivered' }), [...(await teams.teamsTouching([], [target]))]);
    void store.trimBefore(clock() - deps.retentionDays * DAY_MS).catch(() => undefined);
    return record;
  }

  async function audienceOf(kind: string, target: string): Promise<{ agents: string[]; team?: string }> {
    // A queue alert goes to leads and supervisors, not to agents.
    if (kind === 'queue') return { agents: [] };
    if (kind !== 'team') return { agents: [target] };
    const members = await teams.agentsOf(target);
    if (!members) throw new DomainError('not_found', `to: no team "${target}"`);
    if (members.length === 0) throw new DomainError('bad_request', `to: team "${target}" has no agents`);
    return { agents: [...new Set(members)], team: target };
  }

  /** Pushes a prompt to the agent's open screens; marks it delivered when one is open, and says so when none is. */
  async function deliver(record: PromptRecord, agent: string): Promise<void> {
    const recipient = recipientOf(record, agent);
    if (!recipient) return;
    const pushed = await channel.deliver(agent, delivery(record, recipient));
    if (recipient.status !== 'sent') return;
    if (pushed) return void (await advance(record.id, agent, 'delivered'));
    const at = new Date(clock()).toISOString();
    recipient.noScreenAt = at;
    await store.saveRecipient(record.id, agent, recipient);
    channel.updated(record, { id: record.id, status: 'sent', at, agent, noScreen: true });
  }

  /** Moves a recipient forward (never back) and tells the sender. */
  async function advance(id: string, agent: string, status: PromptStatus, reply?: string): Promise<PromptRecord> {
    const record = await store.load(id);
    const recipient = record ? recipientOf(record, agent) : undefined;
    if (!record || !recipient) throw new DomainError('not_found', 'id: no such prompt for this agent');
    const at = new Date(clock()).toISOString();
    const before = recipient.status;
    stamp(recipient, status, at, reply);
    // The sender hears each step once and never a step back: an ack after a reply (or a second ack) changes nothing.
    if (recipient.status === before && status !== 'replied') return record;
    await store.saveRecipient(id, agent, recipient);
    channel.updated(record, { id: record.id, status: recipient.status, at, agent, ...(reply !== undefined ? { reply } : {}) });
    return record;
  }

  /** Of the newest MAX_REDELIVERED prompts of the last day, those not yet acknowledged, each marked delivered as it goes out. */
  async function redeliver(agent: string, push: (delivery: PromptDelivery) => void): Promise<void> {
    for (const id of await store.inboxSince(agent, clock() - DAY_MS, MAX_REDELIVERED)) {
      const record = await store.load(id);
      const recipient = record ? recipientOf(record, agent) : undefined;
      if (!record || !recipient || RANK[recipient.status] >= RANK.acknowledged) continue;
      push(delivery(record, recipient));
      if (recipient.status === 'sent') await advance(id, agent, 'delivered');
    }
  }

  async function list(query: PromptQuery): Promise<PromptRecord[]> {
    const ids = await store.logBetween(query.from, query.to, query.limit ?? 5000);
    const records = (await Promise.all(ids.map(store.load))).filter((r): r is PromptRecord => r !== null);
    // A team's log holds its team-wide prompts and every prompt to one of its agents.
    const members = query.team ? new Set((await teams.agentsOf(query.team)) ?? []) : undefined;
    const forTeam = (r: PromptRecord) => !query.team || r.team === query.team || Object.keys(r.recipients).some((a) => members!.has(a));
    return records.filter(
      (r) => (query.agent === undefined || Object.hasOwn(r.recipients, query.agent)) && forTeam(r) && (!query.lead || r.from === query.lead),
    );
  }

  /** Which of these agents have a screen open now, so a lead can see who a prompt would not reach. */
  const screensOpen = (agents: string[]): Promise<Set<string>> => (agents.length ? channel.screensOpen(agents) : Promise.resolve(new Set()));

  return { send, advance, redeliver, list, screensOpen };
}

export type Coaching = ReturnType<typeof createCoaching>;

/** The recipient's timestamps and status after a step; a status never moves back. */
function stamp(recipient: Recipient, status: PromptStatus, at: string, reply?: string): void {
  if (status !== 'sent') recipient.deliveredAt ??= at;
  if (status === 'acknowledged' || status === 'replied') recipient.acknowledgedAt ??= at;
  if (status === 'replied') {
    recipient.repliedAt = at;
    recipient.reply = reply;
  }
  if (RANK[status] >= RANK[recipient.status]) recipient.status = status;
}

/** One agent's part of a prompt, own keys only. */
function recipientOf(record: PromptRecord, agent: string): Recipient | undefined {
  return Object.hasOwn(record.recipients, agent) ? record.recipients[agent] : undefined;
}

function delivery(record: PromptRecord, recipient: Recipient): PromptDelivery {
  return {
    id: record.id,
    from: record.from,
    text: record.text,
    priority: record.priority,
    sentAt: record.sentAt,
    ...(record.words ? { words: record.words } : {}),
    status: recipient.status,
    ...(recipient.reply ? { reply: recipient.reply } : {}),
  };
}
