// A figure's status against its target said without colour: a shape, a word or a signed distance, and a
// sentence for screen readers; and whether figures are live or how old they are. Pure, shared by every screen.
import { rag, type Rag } from './figures.ts';

type Status = 'met' | 'near' | 'missed' | 'none';

/** The colour class (`rag-*`) behind each status, as the screens already name them. */
const STATUS_OF_RAG: Readonly<Record<Rag, Status>> = { green: 'met', amber: 'near', red: 'missed', none: 'none' };

/** One shape per status, told apart by outline alone (not by direction: ▼ reads "missed", whichever way the figure is off). */
export const STATUS_SHAPES: Readonly<Record<Status, string>> = { met: '●', near: '▲', missed: '▼', none: '' };

/** `ratio` figures (service level, abandonment, CSAT, FCR) are off by percentage points; `ms` figures by seconds. */
export type StatusUnit = 'ratio' | 'ms';

interface StatusInput {
  value: number | null | undefined;
  target: number;
  unit: StatusUnit;
  lowerIsBetter?: boolean;
  amberBand?: number;
  /** A status the caller worked out by its own rule (the longest wait, say): only its wording is done here. */
  rag?: Rag;
}

interface StatusView {
  status: Status;
  rag: Rag;
  /** The shape, for sighted readers only (aria-hidden). */
  shape: string;
  /** What the badge says next to the shape: "met", "near", or the signed distance ("−35 pts", "+42 s"). */
  text: string;
  /** What a screen reader says: "missed target by 35 points", "near target, 2 seconds over". */
  spoken: string;
  /** value − target in the unit shown (points or seconds), rounded as shown; null when there is no value. */
  delta: number | null;
}

const MINUS = '−';

/** Points keep one decimal below 10 (abandonment targets are a few percent), whole points above. */
function roundPoints(points: number): number {
  return Math.abs(points) < 10 ? Math.round(points * 10) / 10 : Math.round(points);
}

function signed(n: number): string {
  if (n === 0) return '±0';
  return n > 0 ? `+${n}` : `${MINUS}${-n}`;
}

export function statusOf(input: StatusInput): StatusView {
  const { value, target, unit } = input;
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return { status: 'none', rag: 'none', shape: '', text: '', spoken: 'no figure yet', delta: null };
  }
  const colour = input.rag ?? rag(value, target, { lowerIsBetter: input.lowerIsBetter, amberBand: input.amberBand });
  const status = STATUS_OF_RAG[colour];
  const delta = unit === 'ratio' ? roundPoints((value - target) * 100) : Math.round((value - target) / 1000);
  const size = Math.abs(delta);
  const unitShort = unit === 'ratio' ? 'pts' : 's';
  const unitLong = unit === 'ratio' ? (size === 1 ? 'point' : 'points') : size === 1 ? 'second' : 'seconds';
  const side = delta > 0 ? 'over' : 'under';
  const shape = STATUS_SHAPES[status];
  if (status === 'met') return { status, rag: colour, shape, text: 'met', spoken: 'target met', delta };
  if (status === 'near') {
    const how = size === 0 ? '' : `, ${size} ${unitLong} ${side}`;
    return { status, rag: colour, shape, text: 'near', spoken: `near target${how}`, delta };
  }
  if (status === 'missed') {
    return { status, rag: colour, shape, text: `${signed(delta)} ${unitShort}`, spoken: `target missed, ${size} ${unitLong} ${side}`, delta };
  }
  return { status, rag: colour, shape, text: '', spoken: 'no figure yet', delta };
}

/** How figures stand: live, or how old and why not. */
interface FreshnessInput {
  /** Whether the screen's live connection is up. */
  connected: boolean;
  /** The figures' `stale` flag (the metrics store is unreachable). */
  stale?: boolean;
  /** The figures' `asOf` (epoch ms, server clock). */
  asOf?: number | null;
  /** When the screen last received figures (epoch ms, server clock). */
  lastDataAt?: number | null;
  /** When the last event reached the server, while the "live data delayed" banner is up; null otherwise. */
  delayedSince?: number | null;
  now: number;
}

export interface Freshness {
  live: boolean;
  why: 'live' | 'offline' | 'stale' | 'delayed' | 'waiting';
  /** How old the figures are (ms), when not live. */
  ageMs: number | null;
  /** "live", or "as of 0:42 ago", "offline · as of 1:05 ago", "no data yet". */
  label: string;
}

/** m:ss (or h:mm:ss) of an age, as the screens show durations. */
export function ageText(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

export function freshness(f: FreshnessInput): Freshness {
  const age = (since: number | null | undefined) => (since === null || since === undefined ? null : Math.max(0, f.now - since));
  const asOf = (ms: number | null) => (ms === null ? '' : `as of ${ageText(ms)} ago`);
  if (!f.connected) {
    const ageMs = age(f.lastDataAt ?? f.asOf);
    return { live: false, why: 'offline', ageMs, label: ageMs === null ? 'offline · no data yet' : `offline · ${asOf(ageMs)}` };
  }
  if (f.stale) {
    const ageMs = age(f.asOf);
    return { live: false, why: 'stale', ageMs, label: ageMs === null ? 'stale' : `stale · ${asOf(ageMs)}` };
  }
  if (f.delayedSince !== null && f.delayedSince !== undefined) {
    const ageMs = age(f.delayedSince);
    return { live: false, why: 'delayed', ageMs, label: `delayed · ${asOf(ageMs)}` };
  }
  if ((f.asOf ?? null) === null && (f.lastDataAt ?? null) === null) return { live: false, why: 'waiting', ageMs: null, label: 'no data yet' };
  return { live: true, why: 'live', ageMs: null, label: 'live' };
}

/** The id of the server's automatic "live data delayed" banner (server/domain/banners.ts). */
export const DELAYED_BANNER_ID = 'auto:data-delayed';

/** The id of the server's automatic "metrics store unreachable" banner. */
export const STORE_DOWN_BANNER_ID = 'auto:store-unreachable';

/** When the last event arrived, read off the "live data delayed" banner's `since` if one is up; null when data is
 * not delayed. A banner without `since` (from an older server) dates from when it was raised. */
export function delayedSince(banners: readonly { id: string; createdAt: string; since?: string }[]): number | null {
  const banner = banners.find((b) => b.id === DELAYED_BANNER_ID);
  if (!banner) return null;
  const at = Date.parse(banner.since ?? banner.createdAt);
  return Number.isFinite(at) ? at : Date.parse(banner.createdAt);
}
