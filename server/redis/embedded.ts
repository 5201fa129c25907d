// Starts a redis-server child on a free loopback port (append-only file on) for `npm start` and the tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { claimFolder, pidFileOf } from './folderLock.ts';

export interface EmbeddedRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Kills the server outright (SIGKILL), as a crash would: for tests of durability. */
  crash(): Promise<void>;
  /** Stops the process (SIGSTOP) with its connections open, as a hung host would, and lets it go on (SIGCONT): for tests. */
  freeze(): void;
  thaw(): void;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** On the first start (not on import), make sure no redis-server outlives this process. */
function stopChildrenOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) {
      child.kill('SIGTERM');
      child.kill('SIGCONT'); // a frozen one takes its SIGTERM only once it runs
    }
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `fsync` says when the append-only file reaches the disk. 'always' (the default) writes and syncs
 * before Redis answers, so a 202 survives a crash of redis-server and a power loss. 'everysec' is
 * faster, but while a background fsync is slow Redis postpones its writes for up to 2 s and answers
 * anyway: a SIGKILL then loses acknowledged batches (seen in the crash test on a busy disk).
 */
export async function startEmbeddedRedis(opts: {
  dir: string;
  port?: number;
  fsync?: 'always' | 'everysec';
  /** Receives redis-server's log lines (notices and warnings) once it is up. */
  log?: (msg: string) => void;
  /** More redis-server options (`--replicaof …`, `--cluster-enabled yes`): for the topology tests. */
  extraArgs?: string[];
  /** A config file read first (a sentinel's, which it rewrites), and the log line that says it is up. */
  configFile?: string;
  ready?: RegExp;
}): Promise<EmbeddedRedis> {
  stopChildrenOnExit();
  mkdirSync(opts.dir, { recursive: true });
  await claimFolder(opts.dir);
  const port = opts.port ?? (await freePort());
  const args = [
    ...(opts.configFile ? [opts.configFile] : []),
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    opts.dir,
    '--pidfile',
    pidFileOf(opts.dir),
    '--appendonly',
    'yes',
    '--appendfsync',
    opts.fsync ?? 'always',
    '--save',
    '',
    '--protected-mode',
    'yes',
    '--daemonize',
    'no',
    '--loglevel',
    'notice', // 'warning' would hide the "Ready to accept connections" line we wait for
    ...(opts.extraArgs ?? []),
  ];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  let ready = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`redis-server did not start within 10 s:\n${output.slice(-2000)}`)), 10_000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    child.once('error', (err: NodeJS.ErrnoException) => {
      running.delete(child);
      fail(
        err.code === 'ENOENT'
          ? new Error('redis-server not found: install it with `apt-get install redis-server` (Debian) or set REDIS_URL to an existing Redis')
          : err,
      );
    });
    child.once('exit', (code) => {
      running.delete(child);
      if (!ready) fail(new Error(`redis-server exited with code ${code}:\n${output.slice(-2000)}`));
    });
    const onData = (chunk: Buffer) => {
      if (ready && opts.log) for (const line of chunk.toString().split('\n')) if (line.trim()) opts.log(`redis-server: ${line.trim()}`);
      output += chunk.toString();
      if (output.length > 20_000) output = output.slice(-10_000);
      if (!ready && (opts.ready ?? /Ready to accept connections/).test(output)) {
        ready = true;
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
  });

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM'); // redis-server flushes its append-only file on SIGTERM
      child.kill('SIGCONT');
      await exited;
    },
    async crash() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
    freeze: () => void child.kill('SIGSTOP'),
    thaw: () => void child.kill('SIGCONT'),
  };
}
