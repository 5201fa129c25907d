// Sends the simulated floor to a wallboard through the public ingest API: the morning at once (or replayed faster
// with `speed`), then each event when its time comes. Days follow one another; a refused batch is sent again.
import type { WallboardEvent } from '../../../shared/events.ts';
import { createIngestSender } from '../ingestSender.ts';
import { simulateDay, type FloorEvent } from './day.ts';
import { dayAt } from './zone.ts';

interface FeedOptions {
  url: string;
  token: string;
  seed: string;
  tz: string;
  /** 1: back-fill to now, then real time. N > 1: back-fill to `replayMinutes` ago, replay them N times faster, then real time. */
  speed: number;
  replayMinutes?: number;
  /** Real time (tests pass their own). */
  now?: () => number;
  log?: (line: string) => void;
}

const BATCH = 5000;

interface Feed {
  /** The simulated instant the floor has reached. */
  simulatedNow(): number;
  /** Sends every event due by now; resolves with how many it sent. */
  tick(): Promise<number>;
}

export function createFeed(opts: FeedOptions): Feed {
  const now = opts.now ?? Date.now;
  const send = createIngestSender({ url: opts.url, token: opts.token });
  const startedAt = now();
  const replayFrom = startedAt - (opts.speed > 1 ? (opts.replayMinutes ?? 60) * 60_000 : 0);
  const simulatedNow = () => Math.min(now(), replayFrom + (now() - startedAt) * opts.speed);
  const days = new Set<string>();
  let pending: FloorEvent[] = [];

  const plan = (at: number) => {
    const day = dayAt(at, opts.tz);
    if (days.has(day)) return;
    days.add(day);
    pending = [...pending, ...simulateDay({ seed: opts.seed, day, tz: opts.tz })].sort((a, b) => a.ts - b.ts);
  };

  const post = async (events: FloorEvent[]) => {
    for (let delay = 250; ; delay = Math.min(delay * 2, 10_000)) {
      const outcome = await send(events as unknown as WallboardEvent[]);
      if (outcome.kind === 'accepted') return;
      if (outcome.kind !== 'retry') throw new Error(`the wallboard refused the demo's events: ${JSON.stringify(outcome)}`);
      opts.log?.(`floor: ${outcome.reason}; sending again`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  };

  return {
    simulatedNow,
    async tick() {
      const at = simulatedNow();
      plan(at);
      let due = 0;
      while (due < pending.length && pending[due]!.ts <= at) due++;
      const batch = pending.slice(0, due);
      pending = pending.slice(due);
      for (let i = 0; i < batch.length; i += BATCH) await post(batch.slice(i, i + BATCH));
      return batch.length;
    },
  };
}
