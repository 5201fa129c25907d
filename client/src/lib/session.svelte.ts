// One screen's session: who is signed in, whether the screen is for them, the centre's config, the live connection.
import type { Role } from '../../../shared/roles.ts';
import { DEFAULT_QUEUE_THRESHOLDS, DEFAULT_TARGETS, type Targets } from '../../../shared/targets.ts';
import type { CenterConfig, Me, QueueConfig } from '../../../shared/wire.ts';
import { api, whoAmI } from './api.ts';
import { clock } from './clock.svelte.ts';
import { i18n } from './i18n/index.svelte.ts';
import { LiveConnection } from './live.svelte.ts';

interface ScreenNeeds {
  /** Why this screen is not for `me`, or null when it is (unset: it is for anyone signed in). */
  refuse?: (me: Me) => string | null;
  /** Load GET /api/v1/config (default true). */
  config?: boolean;
  /** Open the live connection (default true). */
  live?: boolean;
  /** A token to use instead of the session cookie (a TV opened with `?token=`). */
  token?: string;
}

/** A `refuse` for screens kept to some roles. */
export function onlyFor(roles: readonly Role[], refusal: string | ((me: Me) => string)): (me: Me) => string | null {
  return (me) => (roles.includes(me.role) ? null : typeof refusal === 'string' ? refusal : refusal(me));
}

export class Session {
  me = $state<Me | null>(null);
  config = $state<CenterConfig | null>(null);
  /** Set once the screen may show: banners, figures and prompts arrive here. */
  live = $state<LiveConnection | null>(null);
  /** Why the screen cannot show: refused, or a request that failed while starting. */
  problem = $state<string | null>(null);
  readonly #needs: ScreenNeeds;

  constructor(needs: ScreenNeeds = {}) {
    this.#needs = needs;
  }

  /** The centre's targets, or the defaults until the config has come (or when the screen loads none). */
  get targets(): Targets {
    return this.config?.targets ?? DEFAULT_TARGETS;
  }

  get tz(): string {
    return this.config?.tz ?? 'UTC';
  }

  /** A queue's name and thresholds; a queue the settings do not name has the defaults. */
  queue(id: string): QueueConfig {
    return this.config?.queues.find((q) => q.id === id) ?? { id, ...DEFAULT_QUEUE_THRESHOLDS };
  }

  /** GET with the screen's credentials. */
  get<T>(path: string): Promise<T> {
    return api<T>('GET', path, { token: this.#needs.token });
  }

  /**
   * Who am I → is the screen for me → config → `prepare` (the screen's own loading) → live connection.
   * A failure on the way becomes `problem`. Answers whether the screen may show.
   */
  async start(prepare?: () => Promise<void>): Promise<boolean> {
    const needs = this.#needs;
    try {
      this.me = await whoAmI(needs.token);
      if (!this.me) return false;
      this.problem = needs.refuse?.(this.me) ?? null;
      if (this.problem) return false;
      if (needs.config !== false) {
        this.config = await this.get<CenterConfig>('/api/v1/config');
        clock.sync(this.config.now);
        i18n.setCentreLocale(this.config.locale);
      }
      await prepare?.();
      if (needs.live !== false) this.live = new LiveConnection(needs.token);
      return true;
    } catch (err) {
      this.problem = (err as Error).message;
      return false;
    }
  }
}
