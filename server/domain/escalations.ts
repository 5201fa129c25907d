// Live escalations: an agent on a call asks for help; a lead of its team (or a supervisor) takes it, hands it on or
// resolves it; it closes by itself when the call is over. Pushing to screens is the channel's job (socket/escalations.ts).
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { MAX_REASON_LENGTH, escalationStats, isLive, type Escalation, type EscalationLead, type EscalationStats } from '../../shared/escalations.ts';
import { principalKey, type Principal } from '../../shared/roles.ts';
import type { EscalationRecord, EscalationStore } from '../redis/escalationStore.ts';
import type { Clock } from './clock.ts';
import { DomainError } from './errors.ts';
import { buildStory, type TimedCallEvent } from './story.ts';

/** Where escalations go live. */
export interface EscalationChannel {
  /** To the agent's screens, the leads of its teams and supervisors. */
  push(escalation: Escalation): void;
  /** The leads of these teams and the supervisors with a screen open now, one entry per principal. */
  leadsOnline(teams: string[]): Promise<EscalationLead[]>;
}

interface EscalationTeams {
  agentsOfTeams(teams: string[]): Promise<Set<string>>;
  teamsTouching(agents: Iterable<string>, queues: Iterable<string>): Promise<Set<string>>;
}

export interface EscalationQuery {
  from?: number;
  to?: number;
  team?: string;
  agent?: string;
  limit?: number;
}

const DAY_MS = 24 * 3600 * 1000;
/** A step that lost a race reads again this many times before giving up. */
const RETRIES = 5;

export function createEscalations(deps: { store: EscalationStore; teams: EscalationTeams; channel: EscalationChannel; clock: Clock; retentionDays: number }) {
  const { store, teams, channel, clock } = deps;
  const instance = randomUUID();
  const now = () => new Date(clock()).toISOString();

  /** An agent asks for help on the call it is on (or wrapping up); one live escalation at a time. */
  async function raise(p: Principal, reason: unknown): Promise<Escalation> {
    if (p.role !== 'agent' || p.agent === undefined) throw new DomainError('forbidden', `the ${p.role} role may not escalate: only an agent, for itself`);
    const text = reasonOf(reason);
    const agent = p.agent;
    const [part] = await store.livePartsOf(agent);
    if (!part) throw new DomainError('conflict', 'call: you are not on a call; escalate during a call or its wrap-up');
    const [callId, segment] = splitPart(part.part);
    const at = clock();
    const record: EscalationRecord = {
      id: randomUUID(),
      agent,
      teams: [...(await teams.teamsTouching([agent], []))].sort(),
      callId,
      queue: await queueOf(callId, segment),
      ...(text ? { reason: text } : {}),
      status: 'open',
      raisedAt: new Date(at).toISOString(),
      part: part.part,
    };
    const live = await store.raise(record, at);
    if (live !== null) throw new DomainError('conflict', 'you already asked for help; your lead has been told', { id: live });
    channel.push(wire(record));
    void store.trimBefore(clock() - deps.retentionDays * DAY_MS).catch(() => undefined);
    return wire(record);
  }

  /** "On my way": a lead of the agent's team or a supervisor takes an open escalation. */
  const take = (p: Principal, id: unknown) =>
    step(p, id, (e) => {
      if (e.status !== 'open') throw new DomainError('conflict', `id: already ${e.status === 'taken' ? `taken by ${e.takenBy?.name}` : 'closed'}`);
      const at = clock();
      return { ...e, status: 'taken', takenBy: leadOf(p), takenAt: new Date(at).toISOString(), timeToTakeMs: Math.max(0, at - Date.parse(e.raisedAt)) };
    });

  /** Hands a live escalation to another lead of the agent's teams (or a supervisor) with a screen open: open again, for them. */
  async function handoff(p: Principal, id: unknown, to: unknown): Promise<Escalation> {
    if (typeof to !== 'string' || to === '') throw new DomainError('bad_request', 'to: is required (a lead from GET /api/v1/escalations/leads)');
    return step(p, id, async (e) => {
      if (!isLive(e)) throw new DomainError('conflict', 'id: already closed');
      const target = (await channel.leadsOnline(e.teams)).find((l) => l.key === to);
      if (!target) throw new DomainError('bad_request', "to: not a lead of the agent's team with a console open");
      if (target.key === principalKey(p)) throw new DomainError('bad_request', 'to: hand it to someone else, or take it');
      const { takenBy: _t, takenAt: _a, timeToTakeMs: _m, ...rest } = e;
      return { ...rest, status: 'open', handedTo: target, handedBy: p.name, handedAt: now() };
    });
  }

  /** The lead who took it (or a supervisor) closes it. */
  const resolve = (p: Principal, id: unknown) =>
    step(p, id, (e) => {
      if (e.status !== 'taken') throw new DomainError('conflict', `id: ${e.status === 'open' ? 'take it first' : 'already closed'}`);
      const supervisor = p.role === 'supervisor' || p.role === 'admin';
      if (!supervisor && e.takenBy?.key !== principalKey(p)) throw new DomainError('forbidden', `id: taken by ${e.takenBy?.name}; only they resolve it`);
      const at = clock();
      return { ...e, status: 'resolved', closedAt: new Date(at).toISOString(), closedBy: p.name, timeToResolveMs: Math.max(0, at - Date.parse(e.raisedAt)) };
    });

  /** Reads, checks the caller, changes and writes if nothing moved meanwhile (else reads again). */
  async function step(p: Principal, id: unknown, change: (e: EscalationRecord) => EscalationRecord | Promise<EscalationRecord>): Promise<Escalation> {
    if (typeof id !== 'string' || id === '') throw new DomainError('bad_request', 'id: is required');
    for (let attempt = 0; attempt < RETRIES; attempt++) {
      const read = await store.load(id);
      if (!read || !(await mayHandle(p, read.escalation))) throw new DomainError('not_found', 'id: no such escalation for you');
      const next = await change(read.escalation);
      if (await store.step(read, next, !isLive(next))) {
        channel.push(wire(next));
        return wire(next);
      }
    }
    throw new DomainError('conflict', 'id: it changed while you acted; look again');
  }

  /** Supervisors and admins handle every escalation; a lead those of its teams' agents (as the teams are now). */
  async function mayHandle(p: Principal, e: Pick<Escalation, 'agent'>): Promise<boolean> {
    if (p.role === 'supervisor' || p.role === 'admin') return true;
    return p.role === 'lead' && (await teams.agentsOfTeams(p.teams ?? [])).has(e.agent);
  }

  const maySee = async (p: Principal, e: Escalation) => (p.role === 'agent' ? p.agent === e.agent : mayHandle(p, e));

  /** The live escalations a principal may see (what a screen gets on connecting). */
  async function liveFor(p: Principal): Promise<Escalation[]> {
    const records = await store.loadMany([...(await store.liveIds()).values()]);
    const out: Escalation[] = [];
    for (const e of records) if (isLive(e) && (await maySee(p, e))) out.push(wire(e));
    return out.sort((a, b) => Date.parse(a.raisedAt) - Date.parse(b.raisedAt));
  }

  /** The log, newest first, filtered to what the principal may see (the caller checked the query's team and agent). */
  async function list(p: Principal, query: EscalationQuery): Promise<Escalation[]> {
    const records = await store.loadMany(await store.logBetween(query.from, query.to, query.limit ?? 5000));
    const visible = p.role === 'lead' ? await teams.agentsOfTeams(p.teams ?? []) : null;
    return records
      .filter((e) => (p.role === 'agent' ? e.agent === p.agent : !visible || visible.has(e.agent)))
      .filter((e) => (query.agent === undefined || e.agent === query.agent) && (query.team === undefined || e.teams.includes(query.team)))
      .map(wire);
  }

  /** Closes live escalations whose part is over (the call ended, or was swept); one instance at a time. */
  async function closeEnded(): Promise<number> {
    if (!(await store.lock(instance, 5000))) return 0;
    const ids = await store.liveIds();
    const records = new Map((await store.loadMany([...ids.values()])).map((e) => [e.id, e]));
    for (const [agent, id] of ids) if (!records.has(id)) await store.forget(agent);
    const live = await store.stillLive([...records.values()].map(memberOf));
    let closed = 0;
    for (const e of records.values()) {
      if (live.has(memberOf(e))) continue;
      const read = await store.load(e.id);
      if (!read || !isLive(read.escalation)) continue;
      const next: EscalationRecord = { ...read.escalation, status: 'callEnded', closedAt: now() };
      if (await store.step(read, next, true)) {
        channel.push(wire(next));
        closed++;
      }
    }
    return closed;
  }

  /** The leads and supervisors a lead may hand an escalation of `team` to. */
  async function leadsFor(p: Principal, team: string): Promise<EscalationLead[]> {
    if (p.role === 'lead' && !(p.teams ?? []).includes(team)) throw new DomainError('forbidden', 'team: not one of your teams');
    return (await channel.leadsOnline([team])).filter((l) => l.key !== principalKey(p));
  }

  async function queueOf(callId: string, segment: number): Promise<string | null> {
    const story = buildStory((await store.callEvents(callId)) as TimedCallEvent[]);
    return story.segments[segment]?.queue ?? null;
  }

  return { raise, take, handoff, resolve, liveFor, list, closeEnded, leadsFor };
}

export type Escalations = ReturnType<typeof createEscalations>;

export const REPORT_PERIODS = ['day', 'week', 'month'] as const;
export type ReportPeriod = (typeof REPORT_PERIODS)[number];

/** The log counted per day, ISO week or calendar month of when each was raised, in the centre's time zone; periods in order. */
export function escalationRows(list: readonly Escalation[], tz: string, by: ReportPeriod): (EscalationStats & { start: string })[] {
  const periods = new Map<string, Escalation[]>();
  for (const e of list) {
    const start = DateTime.fromISO(e.raisedAt, { zone: tz })
      .startOf(by === 'week' ? 'week' : by, { useLocaleWeeks: false })
      .toISO()!;
    periods.set(start, [...(periods.get(start) ?? []), e]);
  }
  return [...periods]
    .map(([start, those]) => ({ start, at: DateTime.fromISO(start).toMillis(), ...escalationStats(those) }))
    .sort((a, b) => a.at - b.at)
    .map(({ at: _at, ...row }) => row);
}

function reasonOf(reason: unknown): string | undefined {
  if (reason === undefined || reason === null) return undefined;
  if (typeof reason !== 'string' || !reason.isWellFormed()) throw new DomainError('bad_request', 'reason: must be text');
  // One line: line breaks and other control characters become spaces.
  // eslint-disable-next-line no-control-regex
  const line = reason.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  if (line.length > MAX_REASON_LENGTH) throw new DomainError('bad_request', `reason: must be at most ${MAX_REASON_LENGTH} characters`);
  return line || undefined;
}

/** "<callId>#<segment>#<part>": the call id may itself hold "#", so the numbers are read from the end. */
function splitPart(part: string): [string, number] {
  const last = part.lastIndexOf('#');
  const middle = part.lastIndexOf('#', last - 1);
  return [part.slice(0, middle), Number(part.slice(middle + 1, last))];
}

const memberOf = (e: EscalationRecord) => `${e.agent}\u0000${e.part}`;

function leadOf(p: Principal): EscalationLead {
  return { key: principalKey(p), name: p.name };
}

/** What screens get: everything but the stored part. */
function wire(record: EscalationRecord): Escalation {
  const { part: _part, ...escalation } = record;
  return escalation;
}
