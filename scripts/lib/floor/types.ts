// What the simulated floor is made of: the events it sends and the calls it tracks.
import type { DemoQueue } from './centre.ts';

export interface FloorEvent {
  id: string;
  type: string;
  ts: number;
  [field: string]: unknown;
}

export interface Call {
  id: string;
  queue: DemoQueue;
  offeredAt: number;
  /** Bumped at each segment, so a stale abandon of an earlier segment does nothing. */
  segment: number;
  waiting: boolean;
  transferred: boolean;
  lastTs: number;
}
