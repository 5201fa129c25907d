// Where the demo centre is: a city where it is early afternoon now, so the morning is on the board whatever the hour.
import { DateTime } from 'luxon';

/** Cities around the world, no two more than three hours apart: one of them always has the afternoon. */
const CITIES = [
  'Pacific/Auckland',
  'Australia/Sydney',
  'Asia/Tokyo',
  'Asia/Singapore',
  'Asia/Kolkata',
  'Asia/Dubai',
  'Europe/Madrid',
  'Europe/London',
  'America/Sao_Paulo',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'Pacific/Honolulu',
];

/** The city whose local time is closest to 13:30 at `now`. */
export function afternoonZone(now: number): string {
  const distance = (zone: string) => {
    const local = DateTime.fromMillis(now, { zone });
    return Math.abs(local.hour + local.minute / 60 - 13.5);
  };
  return CITIES.reduce((best, zone) => (distance(zone) < distance(best) ? zone : best));
}

/** The centre's date at an instant, YYYY-MM-DD in its zone. */
export function dayAt(at: number, tz: string): string {
  return DateTime.fromMillis(at, { zone: tz }).toISODate()!;
}
