// Builders for the unit tests: one call's events as the domain sees them (already parsed, `at` in epoch ms).
import type { CallEvent } from '../../shared/events.ts';
import type { TimedCallEvent } from '../../server/domain/story.ts';

/** 2026-03-10T14:00:00Z, 10:00 in New York (EDT, UTC−4): a plain day, well inside one local day. */
export const T0 = Date.UTC(2026, 2, 10, 14, 0, 0);
/** The instant `seconds` after T0. */
export const s = (seconds: number): number => T0 + seconds * 1000;

type Type = CallEvent['type'];
type Fields<T extends Type> = Omit<Extract<CallEvent, { type: T }>, 'id' | 'type' | 'ts' | 'callId'>;

let seq = 0;

/** Events of one call, each with a unique id and `ts` equal to `at`. */
export function callOf(callId: string) {
  return <T extends Type>(type: T, at: number, ...fields: object extends Fields<T> ? [Fields<T>?] : [Fields<T>]): TimedCallEvent =>
    ({ id: `${callId}-e${++seq}`, type, ts: at, at, callId, ...fields[0] }) as TimedCallEvent;
}

/** A fixed, seeded shuffle (mulberry32), so a failing order can be reproduced. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
