// createCoalescer on a fake clock: leading edge, merged trailing emit, emits a window apart however long reads take.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCoalescer, type Coalescer } from '../../server/socket/coalescer.ts';

const WINDOW = 250;
const START = Date.UTC(2026, 2, 10, 14);

/** Reads started and emits made, as [key, ms since START], in the order they ran. */
let reads: [string, number][];
let emits: [string, number][];
/** How long the n-th read (from 0) takes, ms. */
let readTakes: (n: number) => number;
let coalescer: Coalescer;

const at = () => Date.now() - START;
/** Moves the fake clock on by `ms` (0: only lets pending reads and emits run). */
const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);
/** Moves the fake clock to `ms` after START. */
const advanceTo = (ms: number) => advance(START + ms - Date.now());
const emitTimes = (key = 'all') => emits.filter(([k]) => k === key).map(([, t]) => t);
const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

beforeEach(() => {
  vi.useFakeTimers({ now: START });
  reads = [];
  emits = [];
  readTakes = () => 0;
  coalescer = createCoalescer(
    WINDOW,
    async (key) => {
      const n = reads.push([key, at()]) - 1;
      const ms = readTakes(n);
      if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
      return () => void emits.push([key, at()]);
    },
    () => Date.now(),
  );
});

afterEach(() => {
  coalescer.close();
  vi.useRealTimers();
});

describe('createCoalescer', () => {
  it('emits the first touch at once (leading edge)', async () => {
    coalescer.touch('queue:sales');
    await advance(0);
    expect(emits).toEqual([['queue:sales', 0]]);
  });

  it('merges touches within the window into one emit when the window ends', async () => {
    coalescer.touch('all');
    await advanceTo(50);
    coalescer.touch('all');
    await advanceTo(100);
    coalescer.touch('all');
    await advanceTo(200);
    coalescer.touch('all');
    await advanceTo(249);
    expect(emits).toEqual([['all', 0]]);
    await advanceTo(250);
    expect(emits).toEqual([
      ['all', 0],
      ['all', 250],
    ]);
    await advanceTo(2000);
    expect(emits).toHaveLength(2);
  });

  it('emits at once again after a quiet window', async () => {
    coalescer.touch('all');
    await advanceTo(400);
    coalescer.touch('all');
    await advance(0);
    expect(emitTimes()).toEqual([0, 400]);
  });

  it('emits at most once per window per key under a steady stream of touches, and never drops the last', async () => {
    coalescer.touch('all');
    for (let t = 10; t <= 1000; t += 10) {
      await advanceTo(t);
      coalescer.touch('all');
    }
    await advanceTo(2000);
    // Every emit covers the touches before its read; the touch at 1000 ms comes after the emit at 1000 ms, hence 1250.
    expect(emitTimes()).toEqual([0, 250, 500, 750, 1000, 1250]);
  });

  it('keeps emits a window apart, from the end of one to the next, however long each read takes', async () => {
    // Reads of varying length: timing the window from the read's start let emits come 238 ms apart.
    const lengths = [40, 5, 90, 12, 60, 0, 120, 3, 400, 20, 7, 150];
    readTakes = (n) => lengths[n % lengths.length]!;
    coalescer.touch('all');
    for (let t = 5; t <= 5000; t += 5) {
      await advanceTo(t);
      coalescer.touch('all');
    }
    await advanceTo(7000);
    const times = emitTimes();
    expect(times.length).toBeGreaterThan(15);
    expect(Math.min(...gaps(times))).toBeGreaterThanOrEqual(WINDOW);
    expect(Math.max(...times.map((from) => times.filter((t) => t >= from && t < from + 1000).length))).toBeLessThanOrEqual(4);
  });

  it('starts the read before the window ends (twice as long as the last read took), so the emit goes out as it ends', async () => {
    readTakes = () => 30;
    coalescer.touch('all');
    for (let t = 10; t <= 1000; t += 10) {
      await advanceTo(t);
      coalescer.touch('all');
    }
    await advanceTo(2000);
    expect(emitTimes()).toEqual([30, 280, 530, 780, 1030, 1280]);
    // The first read at the touch; each later one 60 ms before its window ends, back 30 ms before.
    expect(reads.map(([, t]) => t)).toEqual([0, 220, 470, 720, 970, 1220]);
  });

  it('holds an emit whose read came back early until the window ends', async () => {
    readTakes = (n) => (n === 0 ? 100 : 10);
    coalescer.touch('all');
    await advanceTo(50);
    coalescer.touch('all');
    await advanceTo(1000);
    // The second read starts 125 ms early (half the window: the first took 100 ms), is back after 10 ms, and waits.
    expect(reads.map(([, t]) => t)).toEqual([0, 225]);
    expect(emitTimes()).toEqual([100, 350]);
  });

  it('brings a change to the emit within the window when reads take less than the lead', async () => {
    readTakes = () => 20;
    const touches: number[] = [];
    for (let t = 0; t <= 3000; t += 37) {
      await advanceTo(t);
      coalescer.touch('all');
      touches.push(t);
    }
    await advanceTo(4000);
    const times = emitTimes();
    // A touch while a read is out or its emit held may be missed by it and wait for the next (emits must stay a window
    // apart); any other is seen by the next read, whose emit is at most a window after the touch.
    const between = touches.filter((t) => !reads.some(([, from], i) => from <= t && t < times[i]!));
    expect(between.length).toBeGreaterThan(touches.length / 2);
    for (const touched of between) {
      const read = reads.findIndex(([, t]) => t >= touched);
      expect(times[read]! - touched).toBeLessThanOrEqual(WINDOW);
    }
  });

  it('reads again after a touch that came while a read was out or its emit held', async () => {
    readTakes = (n) => (n === 1 ? 40 : 0);
    coalescer.touch('all');
    await advanceTo(10);
    coalescer.touch('all');
    await advanceTo(250);
    // The second read is out (250 to 290): a touch now may not be in it.
    coalescer.touch('all');
    await advanceTo(1000);
    // The third read starts 80 ms before its window ends (twice the last read's 40 ms), and its emit waits for it.
    expect(reads.map(([, t]) => t)).toEqual([0, 250, 460]);
    expect(emitTimes()).toEqual([0, 290, 540]);
  });

  it('keeps keys independent: one key’s window does not delay another', async () => {
    coalescer.touch('queue:a');
    await advanceTo(100);
    coalescer.touch('queue:b');
    await advanceTo(120);
    coalescer.touch('queue:a');
    await advanceTo(150);
    coalescer.touch('queue:b');
    await advanceTo(1000);
    expect(emits).toEqual([
      ['queue:a', 0],
      ['queue:b', 100],
      ['queue:a', 250],
      ['queue:b', 350],
    ]);
  });

  it('cancels pending reads and held emits on close()', async () => {
    readTakes = (n) => (n === 2 ? 10 : 0);
    coalescer.touch('queue:a');
    coalescer.touch('queue:b');
    await advanceTo(10);
    coalescer.touch('queue:a');
    coalescer.touch('queue:b');
    expect(vi.getTimerCount()).toBe(2);
    coalescer.close();
    expect(vi.getTimerCount()).toBe(0);
    await advanceTo(5000);
    expect(emits).toEqual([
      ['queue:a', 0],
      ['queue:b', 0],
    ]);
  });

  it('keeps going after a read or an emit that throws', async () => {
    const seen: number[] = [];
    const emitted: number[] = [];
    let calls = 0;
    const failing = createCoalescer(
      WINDOW,
      async () => {
        seen.push(at());
        if (++calls === 1) throw new Error('store down');
        return () => {
          if (calls === 2) throw new Error('socket gone');
          emitted.push(at());
        };
      },
      () => Date.now(),
    );
    failing.touch('all');
    await advanceTo(10);
    failing.touch('all');
    await advanceTo(300);
    failing.touch('all');
    await advanceTo(1000);
    expect(seen).toEqual([0, 250, 500]);
    expect(emitted).toEqual([500]);
    failing.close();
  });
});
