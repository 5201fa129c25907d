// The team lead's console state: the lead's teams, the one shown, the agent picked, and today's prompt log.
import { untrack } from 'svelte';
import type { EscalationLead, EscalationStats } from '../../../shared/escalations.ts';
import type { Metrics } from '../../../shared/figures.ts';
import type { PromptRecord, PromptUpdate } from '../../../shared/socket.ts';
import type { Team } from '../../../shared/wire.ts';
import { clock } from './clock.svelte.ts';
import { startOfToday } from './format.ts';
import type { Session } from './session.svelte.ts';

export class TeamConsole {
  readonly #session: Session;
  teams = $state<Team[]>([]);
  teamId = $state<string | null>(null);
  /** The agent whose detail is open, and whom a new prompt goes to. */
  selected = $state<string | null>(null);
  /** Today's prompts to the team and its agents, each recipient's progress kept live. */
  prompts = $state<PromptRecord[]>([]);
  /** The team's agents with a screen open, as of the last look (null: not known yet). */
  screens = $state<readonly string[] | null>(null);
  /** Today's escalations of the team shown: how many, and the mean times to take and to resolve. */
  escalationStats = $state<EscalationStats | null>(null);
  readonly team = $derived(this.teams.find((t) => t.id === this.teamId));
  /** The live scopes the console shows: the team and each of its agents. */
  readonly scopes = $derived(this.team ? [`team:${this.team.id}`, ...this.team.agents.map((a) => `agent:${a}`)] : []);
  /** Which log request is the latest: an older answer arriving late is dropped. */
  #logRequest = 0;

  constructor(session: Session) {
    this.#session = session;
  }

  /** The shown team's figures today, live. */
  get totals(): Metrics | undefined {
    return this.team ? this.#session.live?.metrics[`team:${this.team.id}`] : undefined;
  }

  /** The picked agent's figures. */
  get detail(): Metrics | undefined {
    return this.selected ? this.#session.live?.metrics[`agent:${this.selected}`] : undefined;
  }

  /** The lead's teams, and the one to show: `preferred` (the page's `?team=`) or the first. */
  async loadTeams(preferred: string | null): Promise<void> {
    this.teams = await this.#session.get<Team[]>('/api/v1/teams');
    this.teamId = preferred ?? this.teams[0]?.id ?? null;
  }

  /** Reads the lead's teams again (one changed, or every few seconds: a rename or an agent added ends no subscription): the team shown stays while it is there, an agent gone closes its detail. */
  async reloadTeams(): Promise<void> {
    const teams = await this.#session.get<Team[]>('/api/v1/teams');
    // Unchanged, the same objects stay: what follows the team shown does not start again.
    if (JSON.stringify(teams) === JSON.stringify(untrack(() => this.teams))) return;
    this.teams = teams;
    if (!this.teams.some((t) => t.id === this.teamId)) this.teamId = this.teams[0]?.id ?? null;
    if (this.selected !== null && !this.team?.agents.includes(this.selected)) this.selected = null;
  }

  /** Reloads today's prompt log of the team shown. Reads no state an effect would track. */
  async loadPrompts(): Promise<void> {
    const [id, from] = untrack(() => [this.team?.id, startOfToday(this.#session.tz, clock.now)]);
    if (id === undefined || from === undefined) return;
    const request = ++this.#logRequest;
    const log = await this.#session.get<PromptRecord[]>(`/api/v1/prompts?team=${encodeURIComponent(id)}&from=${encodeURIComponent(from)}`);
    if (request === this.#logRequest) this.prompts = log;
  }

  /** Reloads today's escalation counts of the team shown. Reads no state an effect would track. */
  async loadEscalationStats(): Promise<void> {
    const [id, from] = untrack(() => [this.team?.id, startOfToday(this.#session.tz, clock.now)]);
    if (id === undefined || from === undefined) return;
    const stats = await this.#session.get<EscalationStats>(`/api/v1/escalations/summary?team=${encodeURIComponent(id)}&from=${encodeURIComponent(from)}`);
    if (untrack(() => this.team?.id) === id) this.escalationStats = stats;
  }

  /** Who an escalation of `team` may be handed to: its leads and the supervisors with a console open. */
  async leadsFor(team: string): Promise<EscalationLead[]> {
    return (await this.#session.get<{ leads: EscalationLead[] }>(`/api/v1/escalations/leads?team=${encodeURIComponent(team)}`)).leads;
  }

  /** Looks again at which of the team's agents have a screen open (for the composer's "To" list). */
  async loadScreens(): Promise<void> {
    const id = untrack(() => this.team?.id);
    if (id === undefined) return;
    const open = await this.#session.get<{ agents: string[] }>(`/api/v1/prompts/screens?team=${encodeURIComponent(id)}`);
    if (untrack(() => this.team?.id) === id) this.screens = open.agents;
  }

  /** A recipient's progress, from `prompt:updated`; a prompt not in the log yet reloads it. */
  applyUpdate(u: PromptUpdate): void {
    const prompt = this.prompts.find((p) => p.id === u.id);
    if (!prompt || !u.agent) {
      void this.loadPrompts();
      return;
    }
    const r = prompt.recipients[u.agent] ?? { status: u.status };
    prompt.recipients[u.agent] = { ...r, status: u.status, ...(u.reply ? { reply: u.reply } : {}), ...(u.noScreen ? { noScreenAt: u.at } : {}) };
  }

  /** Opens an agent's detail, or closes it when it is open. */
  toggle(agent: string): void {
    this.selected = this.selected === agent ? null : agent;
  }
}
