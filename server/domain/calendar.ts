// Days and 15-minute intervals in the center's time zone (luxon), cached per interval for speed.
import { DateTime, IANAZone } from 'luxon';

export const INTERVAL_MS = 15 * 60 * 1000;

interface Slot {
  /** The local day, YYYY-MM-DD. */
  day: string;
  /** The interval's start, epoch ms. */
  interval: number;
}

export class Calendar {
  private readonly cache = new Map<number, Slot>();

  constructor(readonly tz: string) {
    if (!IANAZone.isValidZone(tz)) throw new Error(`unknown time zone "${tz}"`);
  }

  /** The day and interval an instant falls in. Offsets are whole quarter hours, so a slot never straddles a change. */
  slotOf(ms: number): Slot {
    const bucket = Math.floor(ms / INTERVAL_MS);
    const hit = this.cache.get(bucket);
    if (hit) return hit;
    const local = DateTime.fromMillis(ms, { zone: this.tz });
    const offsetMs = local.offset * 60_000;
    const interval = ms - mod(ms + offsetMs, INTERVAL_MS);
    const slot = { day: local.toISODate() ?? '', interval };
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(bucket, slot);
    return slot;
  }

  dayOf(ms: number): string {
    return this.slotOf(ms).day;
  }

  /** Epoch ms of the day's first and next day's first instant. */
  dayBounds(day: string): { start: number; end: number } {
    const start = DateTime.fromISO(day, { zone: this.tz }).startOf('day');
    return { start: start.toMillis(), end: start.plus({ days: 1 }).toMillis() };
  }

  /** Number of intervals in a local day: 96, or 92/100 on a clock change. */
  intervalsIn(day: string): number {
    const { start, end } = this.dayBounds(day);
    return (end - start) / INTERVAL_MS;
  }

  /** ISO-8601 with the center's offset, e.g. 2026-11-01T01:15:00.000-05:00. */
  format(ms: number): string {
    return DateTime.fromMillis(ms, { zone: this.tz }).toISO() ?? new Date(ms).toISOString();
  }

  today(nowMs: number): string {
    return this.dayOf(nowMs);
  }

  static isDay(day: string): boolean {
    return /^\d{4}-\d{2}-\d{2}$/.test(day) && DateTime.fromISO(day).isValid;
  }
}

function mod(a: number, m: number): number {
  return ((a % m) + m) % m;
}
