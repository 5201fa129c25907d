// What the HTTP API answers (CONTRACT.md and its extensions), typed once for every client of it.
import type { Role } from './roles.ts';
import type { Banner } from './socket.ts';
import type { QueueThresholds, Targets } from './targets.ts';

/** GET /api/v1/session: who is signed in, or whose token this is. */
export interface Me {
  name: string;
  role: Role;
  /** For an agent: its agent id. */
  agent?: string;
  /** For a lead: the teams it leads. */
  teams?: string[];
  /** For a display token: the queues its board shows. */
  queues?: string[];
  /** Extension: the caller's principal key (escalations name who took them by it). */
  key?: string;
}

/** POST /api/v1/session: the person just signed in. */
export interface SignedIn {
  username: string;
  role: Role;
  agent?: string;
  teams?: string[];
}

export interface QueueConfig extends QueueThresholds {
  id: string;
  name?: string;
}

/** A saved wall board: `/wall?board=<id>` shows these queues. */
export interface Board {
  id: string;
  name?: string;
  queues: string[];
}

/** GET /api/v1/config. */
export interface CenterConfig {
  tz: string;
  /** The centre's BCP 47 locale (WALLBOARD_LOCALE or the settings' `locale`, default 'en'): numbers, times, the default language. */
  locale: string;
  queues: QueueConfig[];
  boards: Board[];
  targets: Targets;
  /** The centre's service level target, 0..1 (settings `serviceLevelTarget`, default 0.8); each queue has its own. */
  serviceLevelTarget: number;
  /** The server's clock when it answered, epoch ms. */
  now: number;
  /** Whether any event has ever reached the server: false on a fresh install, whose wall then says how to get data. */
  eventsReceived?: boolean;
}

/** GET /api/v1/teams (one item), PUT /api/v1/teams/:id. */
export interface Team {
  id: string;
  name: string;
  agents: string[];
  /** The queues the team serves (an extension). */
  queues?: string[];
}

/** GET /api/v1/users (one item): a person, without its password hash. */
export interface User {
  username: string;
  role: Role;
  agent?: string;
  teams?: string[];
  createdAt: string;
}

/** GET /api/v1/tokens (one item): a machine token, never its secret. */
export interface Token {
  id: string;
  role: Role;
  subject?: string;
  name: string;
  createdAt: string;
  createdBy?: string;
}

/** POST /api/v1/tokens: the secret is shown only here. */
export interface CreatedToken {
  id: string;
  token: string;
}

/** GET /api/v1/banners/history (one item). */
export interface BannerHistoryEntry {
  at: string;
  action: string;
  banner: Banner;
  by?: string;
}
