// The Asterisk follower loses nothing: server down, rotation (rename, copy-truncate, new file), rejected lines, and
// kill -9 of the real CLI, against the real server and Redis; every wait is for a checkpoint or a figure.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdtempSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { readCheckpoint } from '../scripts/lib/checkpoint.ts';
import { createIngestSender } from '../scripts/lib/ingestSender.ts';
import { createQueueLogFollower, FollowerFatalError, type QueueLogFollower } from '../scripts/lib/queueLogFollower.ts';
import { identityOf } from '../scripts/lib/queueLogReader.ts';
import { queueLogToEvents } from '../server/adapters/asterisk.ts';
import { hashTaggedPrefix } from '../server/redis/keys.ts';
import { startApp, type TestApp } from './support/app.ts';
import { metrics } from './support/events.ts';
import { startTestRedis } from './support/redis.ts';

const DAY = '2026-03-10';
const DAY_START = Date.parse(`${DAY}T08:00:00Z`) / 1000;
const SOURCE = 'pbx';

/** The native queue_log lines of call `n`: every third abandoned, the others answered and completed. */
function callLines(n: number): string[] {
  const t = DAY_START + n * 60;
  const callId = `17000${n}.${n}`;
  const enter = `${t}|${callId}|sales|NONE|ENTERQUEUE||55500${n}|1`;
  if (n % 3 === 0) return [enter, `${t + 20}|${callId}|sales|NONE|ABANDON|1|1|20`];
  return [enter, `${t + 10}|${callId}|sales|PJSIP/20${n % 5}|CONNECT|10|${callId}|2`, `${t + 50}|${callId}|sales|PJSIP/20${n % 5}|COMPLETECALLER|10|40|1`];
}
const text = (calls: number[]) => calls.flatMap(callLines).join('\n') + '\n';
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const expected = (calls: number[]) => {
  const answered = calls.filter((n) => n % 3 !== 0).length;
  return { offered: calls.length, answered, abandoned: calls.length - answered, handled: answered };
};

async function until<T>(what: string, probe: () => Promise<T> | T, ok: (value: T) => boolean, withinMs = 10_000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}; last: ${JSON.stringify(value)}`);
    await delay(20);
  }
}

async function figures(app: TestApp) {
  const { offered, answered, abandoned, handled } = await metrics(app, 'all', DAY);
  return { offered, answered, abandoned, handled };
}
const figuresReach = (app: TestApp, calls: number[]) =>
  until(
    `figures of ${calls.length} calls`,
    () => figures(app).catch((err: Error) => err.message), // 503 while Redis comes back
    (f) => JSON.stringify(f) === JSON.stringify(expected(calls)),
  );
const checkpointAt = (checkpoint: string, file: string, withinMs?: number) =>
  until(
    `checkpoint at the end of ${file}`,
    () => readCheckpoint(checkpoint),
    (c) => c !== null && c.offset === statSync(file).size && c.identity === identityOf(statSync(file)),
    withinMs,
  );

async function refusingPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

let folder: string;
let file: string;
let checkpoint: string;
let apps: TestApp[] = [];
let followers: { follower: QueueLogFollower; running: Promise<unknown> }[] = [];
let children: ChildProcess[] = [];

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'wallboard-follow-'));
  file = join(folder, 'queue_log');
  checkpoint = `${file}.wallboard-checkpoint`;
});
afterEach(async () => {
  for (const f of followers) f.follower.stop();
  await Promise.allSettled(followers.map((f) => f.running));
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(apps.map((app) => app.close()));
  rmSync(folder, { recursive: true, force: true });
  [apps, followers, children] = [[], [], []];
});

async function app(port?: number): Promise<TestApp> {
  const started = await startApp(inject('redisUrl'), port === undefined ? {} : { port, prefix: `t:follow-${port}:` });
  apps.push(started);
  return started;
}

function follow(url: string, token: string, opts: { maxLines?: number; timeoutMs?: number } = {}) {
  const messages: string[] = [];
  const follower = createQueueLogFollower({
    file,
    checkpointFile: checkpoint,
    send: createIngestSender({ url, token, timeoutMs: opts.timeoutMs ?? 2000 }),
    eventsOf: (line) => queueLogToEvents(line, { source: SOURCE }),
    follow: true,
    pollMs: 20,
    limits: { maxLines: opts.maxLines ?? 500 },
    backoff: { firstMs: 20, maxMs: 200 },
    log: { info: (m) => messages.push(m), warn: (m) => messages.push(m), error: (m) => messages.push(m) },
  });
  const running = follower.run();
  followers.push({ follower, running });
  return { follower, messages, running };
}

describe('following a queue_log', () => {
  it('(a) keeps lines appended while the server is down, reading no more than one batch ahead, and sends each once', async () => {
    const port = await refusingPort();
    const { follower, messages } = follow(`http://127.0.0.1:${port}`, `ingest-${hashTaggedPrefix(`t:follow-${port}:`)}`, { maxLines: 4 });
    writeFileSync(file, text([1, 2, 3]));
    await until(
      'a failed send',
      () => messages.filter((m) => m.includes('not sent')).length,
      (n) => n >= 3,
    );
    expect(await readCheckpoint(checkpoint)).toBeNull(); // nothing got 202, so nothing is checkpointed
    expect(messages.filter((m) => m.includes('not sent')).every((m) => m.startsWith(`lines 1–4 of ${file}`))).toBe(true);

    const up = await app(port);
    await figuresReach(up, [1, 2, 3]);
    await checkpointAt(checkpoint, file);
    const events = queueLogToEvents(text([1, 2, 3]), { source: SOURCE }).length;
    expect(follower.totals()).toMatchObject({ lines: 8, events, accepted: events, duplicates: 0 });
  });

  it('(a) sends again what Redis refused (503) once it is back, and counts it once', async () => {
    const redis = await startTestRedis();
    try {
      const server = await startApp(redis.url);
      apps.push(server);
      const { follower, messages } = follow(server.url, server.ingestToken);
      await redis.halt();
      writeFileSync(file, text([1, 2]));
      await until('a 503', () => messages.some((m) => m.includes('answered 503')), Boolean);
      expect(await readCheckpoint(checkpoint)).toBeNull();
      await redis.resume();
      await figuresReach(server, [1, 2]);
      await checkpointAt(checkpoint, file);
      expect(follower.totals()).toMatchObject({ accepted: follower.totals().events, duplicates: 0 });
    } finally {
      for (const f of followers) f.follower.stop();
      await Promise.allSettled(followers.map((f) => f.running));
      await Promise.all(apps.splice(0).map((a) => a.close()));
      await redis.stop();
    }
  });

  it('(a) gives up on a POST that gets no answer in time, and sends it again', async () => {
    const silent = createServer((socket) => sockets.push(socket)); // accepts, never answers
    const sockets: Socket[] = [];
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const { port } = silent.address() as { port: number };
    const { messages } = follow(`http://127.0.0.1:${port}`, `ingest-${hashTaggedPrefix(`t:follow-${port}:`)}`, { timeoutMs: 150 });
    writeFileSync(file, text([1, 2, 3]));
    await until('a timed-out send', () => messages.some((m) => m.includes('no answer from') && m.includes('within 150 ms')), Boolean);
    for (const socket of sockets) socket.destroy();
    await new Promise((done) => silent.close(done));

    const up = await app(port);
    await figuresReach(up, [1, 2, 3]);
    await checkpointAt(checkpoint, file);
  });

  it('stops with a clear message when the server refuses its token', async () => {
    const server = await app();
    writeFileSync(file, text([1]));
    const { running } = follow(server.url, 'not-a-token');
    await expect(running).rejects.toThrow(FollowerFatalError);
    await expect(running).rejects.toThrow(/refused the ingest token \(401\): check WALLBOARD_INGEST_TOKEN/);
    expect(await readCheckpoint(checkpoint)).toBeNull();
  });

  it('waits 250 ms, doubling up to 30 s, between tries (with random() = 1, the top of each jittered range)', async () => {
    writeFileSync(file, text([1]));
    const waits: number[] = [];
    let tries = 0;
    const follower = createQueueLogFollower({
      file,
      checkpointFile: checkpoint,
      send: async (events) => (++tries < 10 ? { kind: 'retry', reason: 'down' } : { kind: 'accepted', accepted: events.length, duplicates: 0 }),
      eventsOf: (line) => queueLogToEvents(line, { source: SOURCE }),
      follow: false,
      sleep: async (ms) => void waits.push(ms),
      random: () => 1,
    });
    expect(await follower.run()).toMatchObject({ lines: 3, retries: 9, accepted: 4 });
    expect(waits).toEqual([250, 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect((await readCheckpoint(checkpoint))?.offset).toBe(statSync(file).size);
  });

  it('(b) finishes a file renamed away, lines Asterisk still wrote to it included, then reads the new file from its start', async () => {
    const server = await app();
    const { messages } = follow(server.url, server.ingestToken);
    writeFileSync(file, text([1, 2, 3]));
    await checkpointAt(checkpoint, file);

    appendFileSync(file, text([4]));
    renameSync(file, `${file}.1`);
    // Until it reopens its log, Asterisk writes to the renamed file; its last line, even unfinished, is final once a new file has bytes.
    appendFileSync(`${file}.1`, text([5]).slice(0, -1));
    writeFileSync(file, text([6]));
    await figuresReach(server, range(1, 6));
    await checkpointAt(checkpoint, file);
    expect(messages.some((m) => m.includes('was rotated'))).toBe(true);
  });

  it('(c) reads a file copied and truncated in place again from its start', async () => {
    const server = await app();
    const { messages } = follow(server.url, server.ingestToken);
    writeFileSync(file, text([1, 2]));
    await checkpointAt(checkpoint, file);
    const before = identityOf(statSync(file));

    copyFileSync(file, `${file}.1`);
    writeFileSync(file, text([3, 4, 5, 6])); // truncated and rewritten, longer than before, same inode
    expect(identityOf(statSync(file))).toBe(before);
    await figuresReach(server, range(1, 6));
    await checkpointAt(checkpoint, file);
    expect(messages.some((m) => m.includes('truncated or rewritten'))).toBe(true);
  });

  it('(c) after a copy-truncate while it was stopped, sends the unsent tail from the copy first', async () => {
    const server = await app();
    const first = follow(server.url, server.ingestToken);
    writeFileSync(file, text([1, 2, 3]));
    await checkpointAt(checkpoint, file);
    first.follower.stop();
    await first.running;

    appendFileSync(file, text([4, 5])); // never sent: only the copy will hold them
    copyFileSync(file, `${file}.1`);
    writeFileSync(file, text([6]));
    const second = follow(server.url, server.ingestToken);
    await figuresReach(server, range(1, 6));
    await checkpointAt(checkpoint, file);
    expect(second.messages.some((m) => m.startsWith(`finishing the copy ${file}.1 after line 8`))).toBe(true);
  });

  it('(d) follows a new file that replaced a deleted one', async () => {
    const server = await app();
    follow(server.url, server.ingestToken);
    writeFileSync(file, text([1, 2]));
    await checkpointAt(checkpoint, file);
    const before = identityOf(statSync(file));

    appendFileSync(file, text([3]));
    unlinkSync(file);
    writeFileSync(file, text([4, 5]));
    expect(identityOf(statSync(file))).not.toBe(before);
    await figuresReach(server, range(1, 5));
    await checkpointAt(checkpoint, file);
  });

  it('holds back a last line until its newline arrives', async () => {
    const server = await app();
    follow(server.url, server.ingestToken);
    const [enter, connect, complete] = callLines(1);
    writeFileSync(file, `${enter}\n${connect}\n${complete!.slice(0, 20)}`);
    const held = await until(
      'the first two lines',
      () => readCheckpoint(checkpoint),
      (c) => c?.line === 2,
    );
    expect(held?.offset).toBe(enter!.length + connect!.length + 2);
    expect(await figures(server)).toMatchObject({ answered: 1, handled: 0 });

    appendFileSync(file, `${complete!.slice(20)}\n`);
    await figuresReach(server, [1]);
    await checkpointAt(checkpoint, file);
  });

  it('skips a line the server rejects, naming it, and sends the rest of its batch', async () => {
    const server = await app();
    const { follower, messages } = follow(server.url, server.ingestToken);
    const overlong = `${DAY_START}|${'9'.repeat(300)}|sales|NONE|ENTERQUEUE||5550000|1`; // a call id the server refuses (over 256 characters)
    writeFileSync(file, `${callLines(1).join('\n')}\n${overlong}\n${text([2, 3])}`);
    await figuresReach(server, range(1, 3));
    await checkpointAt(checkpoint, file);
    expect(messages.some((m) => m.startsWith(`line 4 of ${file} rejected by the server (400`))).toBe(true);
    expect(follower.totals().rejectedLines).toBe(1);
  });
});

describe('the import:asterisk CLI', () => {
  function cli(server: TestApp): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/import-asterisk.ts', file, '--follow', '--poll-ms', '20', '--batch-lines', '10', '--source', SOURCE],
      { cwd: new URL('..', import.meta.url), env: { ...process.env, URL: server.url, WALLBOARD_INGEST_TOKEN: server.ingestToken } },
    );
    children.push(child);
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    return { child, output: () => output, exited };
  }
  const sum = (output: string, what: 'accepted' | 'duplicates') =>
    [...output.matchAll(/^lines \d+–\d+ of .*: \d+ events sent, (\d+) accepted, (\d+) duplicates$/gm)]
      .map((m) => Number(what === 'accepted' ? m[1] : m[2]))
      .reduce((a, b) => a + b, 0);

  it('(e) killed with SIGKILL mid-stream and started again, counts every line exactly once', async () => {
    const server = await app();
    const calls = range(1, 300);
    writeFileSync(file, text(calls));
    const size = statSync(file).size;

    const first = cli(server);
    const atKill = await until(
      'a first checkpoint',
      () => readCheckpoint(checkpoint),
      (c) => c !== null && c.offset > 0,
      15_000,
    );
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    expect(atKill!.offset).toBeLessThan(size); // it really was stopped half-way

    const second = cli(server);
    await checkpointAt(checkpoint, file, 20_000); // 75 batches, each with its fsync: slow on a busy machine
    await figuresReach(server, calls);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    const resumedAfter = Number(/resuming .* after line (\d+)/.exec(second.output())?.[1]);
    expect(resumedAfter).toBeGreaterThanOrEqual(atKill!.line);
    // Only the batch in flight at the kill may be sent again (10 lines, at most 2 events each); nothing before it.
    expect(sum(second.output(), 'duplicates')).toBeLessThanOrEqual(20);
    const events = queueLogToEvents(text(calls), { source: SOURCE }).length;
    expect(sum(first.output(), 'accepted') + sum(second.output(), 'accepted')).toBeLessThanOrEqual(events);
    expect(sum(first.output(), 'accepted') + sum(second.output(), 'accepted')).toBeGreaterThanOrEqual(events - 20);
  });
});
