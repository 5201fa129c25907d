import { DateTime } from 'luxon';

/** The start of today in the centre's time zone, as an ISO instant (for "today's" queries). */
export function startOfToday(tz: string, nowMs: number): string {
  return DateTime.fromMillis(nowMs, { zone: tz }).startOf('day').toISO() ?? new Date(nowMs).toISOString();
}

// How figures read on screen: durations as m:ss or h:mm:ss, ratios as whole percentages.

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  const total = Math.floor(ms / 1000);
  // Past a day (a call whose end never arrived, say) h:mm:ss stops being readable.
  if (total >= 86_400) return `${Math.floor(total / 86_400)}d ${Math.floor((total % 86_400) / 3600)}h`;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

export function percent(ratio: number | null | undefined, digits = 0): string {
  if (ratio === null || ratio === undefined) return '–';
  return `${(ratio * 100).toFixed(digits)}%`;
}

export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? '–' : n.toLocaleString('en-US');
}

export function time(iso: string | null | undefined, tz?: string): string {
  if (!iso) return '–';
  return new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', ...(tz ? { timeZone: tz } : {}) });
}

export const STATE_LABELS: Record<string, string> = {
  available: 'Available',
  onCall: 'On call',
  wrap: 'Wrap-up',
  break: 'Break',
  offline: 'Offline',
};
