// How figures read on screen, in the centre's locale: durations as m:ss or h:mm:ss, ratios as percentages, times in
// the centre's zone, and the words of banners, prompts and agent states.
import { DateTime } from 'luxon';
import { AGENT_BUCKETS, type AgentBucket } from '../../../shared/figures.ts';
import { PROMPT_RULES, type Banner, type PromptWords } from '../../../shared/socket.ts';
import { DELAYED_BANNER_ID, STORE_DOWN_BANNER_ID } from '../../../shared/status.ts';
import { i18n, t } from './i18n/index.svelte.ts';
import { formatCount, formatDateTime, formatDuration, formatPercent, formatTime, promptParams, type TimeOptions } from './intl.ts';

/** The start of today in the centre's time zone, as an ISO instant (for "today's" queries). */
export function startOfToday(tz: string, nowMs: number): string {
  return DateTime.fromMillis(nowMs, { zone: tz }).startOf('day').toISO() ?? new Date(nowMs).toISOString();
}

export function duration(ms: number | null | undefined): string {
  return formatDuration(i18n.locale, ms);
}

export function percent(ratio: number | null | undefined, digits = 0): string {
  return formatPercent(i18n.locale, ratio, digits);
}

export function count(n: number | null | undefined): string {
  return formatCount(i18n.locale, n);
}

/** A time in the centre's zone `tz` (labelled with it when `zone`). */
export function time(at: string | number | null | undefined, tz: string, options?: TimeOptions): string {
  return formatTime(i18n.locale, at, tz, options);
}

/** A date and time in the centre's zone, labelled with it (admin lists). */
export function dateTime(at: string | number | null | undefined, tz: string): string {
  return formatDateTime(i18n.locale, at, tz);
}

const STATE_KEYS = {
  available: 'state.available',
  onCall: 'state.onCall',
  wrap: 'state.wrap',
  break: 'state.break',
  offline: 'state.offline',
} as const satisfies Record<AgentBucket, string>;
/** The agent states in the order the screens list them (the figures' own list). */
export const STATE_NAMES = AGENT_BUCKETS;

/** A banner's words: the screen's own for the server's automatic banners, the sender's for a manual one. */
export function bannerText(banner: Pick<Banner, 'id' | 'source' | 'message' | 'since'>, tz: string): string {
  if (banner.source === 'auto' && banner.id === DELAYED_BANNER_ID && banner.since) {
    return t('banner.auto.delayed', { time: time(banner.since, tz, { zone: true }) });
  }
  if (banner.source === 'auto' && banner.id === STORE_DOWN_BANNER_ID) return t('banner.auto.storeDown');
  return banner.message;
}

/** A prompt's words: an automatic one's in the screen's language from its rule and figures, else as sent. */
export function promptText(prompt: { text: string; words?: PromptWords }): string {
  const words = prompt.words;
  if (!words || !(PROMPT_RULES as readonly string[]).includes(words.rule)) return prompt.text;
  return t(`rule.${words.rule}`, promptParams(i18n.locale, words.params));
}

/** An agent state's name in the screen's language. */
export function stateLabel(state: string): string {
  return Object.hasOwn(STATE_KEYS, state) ? t(STATE_KEYS[state as AgentBucket]) : state;
}
