// A sender that keeps posting batches of new calls, as a telephony feed would, and resends a refused batch
// (the same events) until it gets 202: what it reports is what the figures must show afterwards.
import { ev, send } from './events.ts';
import type { TestApp } from './app.ts';

interface IngestReport {
  /** Batches answered 202, and the events they carry (each counted once, whatever the resends). */
  acknowledged: number;
  events: number;
  /** Answers 503 (resent), and any status other than 202 or 503 (there must be none). */
  refused: number;
  unexpected: number[];
  /** The slowest answer, ms: a failover must not stall a request. */
  slowestMs: number;
}

export function steadyIngest(app: TestApp, opts: { queue: string; batchSize?: number; pauseMs?: number }) {
  const report: IngestReport = { acknowledged: 0, events: 0, refused: 0, unexpected: [], slowestMs: 0 };
  const listeners = new Set<(events: number) => void>();
  let stopping = false;
  let n = 0;
  const newBatch = () =>
    Array.from({ length: opts.batchSize ?? 20 }, () => ev('call.offered', Date.now() - 60_000, { callId: `${opts.queue}-${++n}`, queue: opts.queue }));

  const running = (async () => {
    let batch = newBatch();
    for (;;) {
      const started = performance.now();
      const { status } = await send(app, batch).catch(() => ({ status: 0 }));
      report.slowestMs = Math.max(report.slowestMs, performance.now() - started);
      if (status === 202) {
        report.acknowledged++;
        report.events += batch.length;
        for (const listener of [...listeners]) listener(report.events);
        if (stopping) return;
        batch = newBatch();
      } else if (status === 503) report.refused++;
      else report.unexpected.push(status);
      // A steady rate, not a wait for something: a real feed sends every few tens of milliseconds.
      await new Promise((resolve) => setTimeout(resolve, opts.pauseMs ?? 20));
    }
  })();

  return {
    report,
    /** Resolves once `count` more batches got 202. */
    acknowledgedMore(count: number): Promise<void> {
      const target = report.acknowledged + count;
      return new Promise((resolve) => {
        const check = () => {
          if (report.acknowledged < target) return;
          listeners.delete(check);
          resolve();
        };
        listeners.add(check);
      });
    },
    /** Calls `listener` with the events acknowledged so far each time a batch gets 202 (to time what follows it). */
    onAcknowledged(listener: (events: number) => void): void {
      listeners.add(listener);
    },
    /** Stops after the batch in flight (which is resent until 202 first, so nothing is left half-sent). */
    async stop(): Promise<IngestReport> {
      stopping = true;
      await running;
      return report;
    },
  };
}
