// createCoalescer on a fake clock: leading edge, merged trailing send, at most one send per window per key.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCoalescer, type Coalescer } from '../../server/socket/coalescer.ts';

const WINDOW = 250;
const START = Date.UTC(2026, 2, 10, 14);

/** Sends as [key, ms since START], in the order they ran. */
let sends: [string, number][];
let coalescer: Coalescer;

/** Moves the fake clock on by `ms` (0: only lets pending sends run, they start in a microtask). */
const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);
/** Moves the fake clock to `ms` after START. */
const advanceTo = (ms: number) => advance(START + ms - Date.now());

beforeEach(() => {
  vi.useFakeTimers({ now: START });
  sends = [];
  coalescer = createCoalescer(
    WINDOW,
    (key) => {
      sends.push([key, Date.now() - START]);
    },
    () => Date.now(),
  );
});

afterEach(() => {
  coalescer.close();
  vi.useRealTimers();
});

describe('createCoalescer', () => {
  it('sends the first touch at once (leading edge)', async () => {
    coalescer.touch('queue:sales');
    await advance(0);
    expect(sends).toEqual([['queue:sales', 0]]);
  });

  it('merges touches within the window into one send when the window ends', async () => {
    coalescer.touch('all');
    await advanceTo(50);
    coalescer.touch('all');
    await advanceTo(100);
    coalescer.touch('all');
    await advanceTo(200);
    coalescer.touch('all');
    await advanceTo(249);
    expect(sends).toEqual([['all', 0]]);
    await advanceTo(250);
    expect(sends).toEqual([
      ['all', 0],
      ['all', 250],
    ]);
    await advanceTo(2000);
    expect(sends).toHaveLength(2);
  });

  it('sends at once again after a quiet window', async () => {
    coalescer.touch('all');
    await advanceTo(400);
    coalescer.touch('all');
    await advance(0);
    expect(sends).toEqual([
      ['all', 0],
      ['all', 400],
    ]);
  });

  it('sends at most once per window per key under a steady stream of touches, and never drops the last', async () => {
    coalescer.touch('all');
    for (let t = 10; t <= 1000; t += 10) {
      await advanceTo(t);
      coalescer.touch('all');
    }
    await advanceTo(2000);
    // Every send covers the touches before it; the touch at 1000 ms comes after the send at 1000 ms, hence 1250.
    expect(sends.map(([, at]) => at)).toEqual([0, 250, 500, 750, 1000, 1250]);
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
    expect(sends).toEqual([
      ['queue:a', 0],
      ['queue:b', 100],
      ['queue:a', 250],
      ['queue:b', 350],
    ]);
  });

  it('cancels pending sends on close()', async () => {
    coalescer.touch('queue:a');
    coalescer.touch('queue:b');
    await advanceTo(10);
    coalescer.touch('queue:a');
    coalescer.touch('queue:b');
    expect(vi.getTimerCount()).toBe(2);
    coalescer.close();
    expect(vi.getTimerCount()).toBe(0);
    await advanceTo(5000);
    expect(sends).toEqual([
      ['queue:a', 0],
      ['queue:b', 0],
    ]);
  });

  it('keeps going after a send that throws or rejects', async () => {
    const seen: number[] = [];
    let calls = 0;
    const failing = createCoalescer(
      WINDOW,
      async () => {
        seen.push(Date.now() - START);
        if (++calls === 1) throw new Error('socket gone');
      },
      () => Date.now(),
    );
    failing.touch('all');
    await advanceTo(10);
    failing.touch('all');
    await advanceTo(300);
    expect(seen).toEqual([0, 250]);
    failing.close();
  });
});
