// `npm run demo`: the wallboard with a simulated contact centre. Starts the server (its own embedded Redis on a free
// port, its data under .data/demo, wiped at each start), writes the demo settings, makes a supervisor, a lead and an
// agent, and runs the simulator (scripts/demo-floor.ts) against the public ingest API. Prints every URL; Ctrl-C stops all.
// Usage: npm run demo [-- --seed NAME] [-- --speed 10]. Honours PORT and WALLBOARD_API_TOKEN like `npm start`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { demoSettings } from './lib/floor/centre.ts';
import { agentOnShift, createDemoPeople, type DemoPerson } from './lib/floor/people.ts';
import { afternoonZone } from './lib/floor/zone.ts';

const node = process.execPath;
const { values: args } = parseArgs({ options: { seed: { type: 'string', default: 'demo' }, speed: { type: 'string', default: '1' } } });
const speed = Number(args.speed);
if (!Number.isFinite(speed) || speed < 1 || speed > 1000) fail(`--speed must be a number from 1 to 1000, got "${args.speed}"`);
const secret = (bytes: number) => randomBytes(bytes).toString('base64url');

/** Set once the banner is out: from then on the server's own log lines are passed through. */
let started = false;

interface Started {
  child: ChildProcess;
  url: string;
  redisPort: number | undefined;
}

function fail(message: string): never {
  process.stderr.write(`demo: ${message}\n`);
  process.exit(1);
}

/** The server, on its own Redis and data: whatever REDIS_URL or settings the shell has are not the demo's. */
function startServer(env: NodeJS.ProcessEnv): Promise<Started> {
  const child = spawn(node, ['--max-semi-space-size=32', '--import', 'tsx', 'server/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let redisPort: number | undefined;
  const lines: string[] = [];
  return new Promise((resolveStarted, reject) => {
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening:\n${lines.slice(-20).join('\n')}`)));
    createInterface({ input: child.stderr! }).on('line', (line) => process.stderr.write(`server: ${line}\n`));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      const entry = parseLog(line);
      if (entry?.msg === 'started embedded redis-server') redisPort = Number(entry.port);
      else if (entry?.msg === 'wallboard listening') resolveStarted({ child, url: String(entry.url), redisPort });
      else if (started) process.stdout.write(`server: ${line}\n`);
    });
  });
}

function parseLog(line: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function startFloor(env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(node, ['--import', 'tsx', 'scripts/demo-floor.ts'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  createInterface({ input: child.stdout! }).on('line', (line) => process.stdout.write(`${line}\n`));
  return child;
}

function banner(o: { url: string; tz: string; apiToken: string; people: DemoPerson[]; admin: { username: string; password: string }; dataDir: string }) {
  const local = DateTime.now().setZone(o.tz).toFormat('HH:mm');
  const row = (title: string, link: string, who = '') => `  ${title.padEnd(11)} ${link.padEnd(o.url.length + 22)} ${who}`.trimEnd();
  const signIn = (screen: string) => `${o.url}/login?next=${encodeURIComponent(screen)}`;
  return [
    '',
    `Wallboard demo: a simulated contact centre in ${o.tz} (${local} there), seed "${args.seed}"${speed > 1 ? `, replaying the last hour at ${speed}×` : ''}.`,
    'Open (passwords are shown only now):',
    '',
    row('Wall', `${o.url}/wall?token=${o.apiToken}`),
    ...o.people.map((p) => row(p.title, signIn(p.screen), `user ${p.username}  password ${p.password}`)),
    row('Admin', signIn('/admin'), `user ${o.admin.username}  password ${o.admin.password}`),
    '',
    `Data: ${o.dataDir} (wiped at the next start). Ctrl-C stops the server, its Redis and the simulator.`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const prepared = spawnSync(node, ['scripts/start.mjs', '--prepare'], { stdio: 'inherit' });
  if (prepared.status !== 0) process.exit(prepared.status ?? 1);
  const dataDir = resolve(process.env.WALLBOARD_DEMO_DIR || '.data/demo');
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const settingsPath = join(dataDir, 'wallboard.config.json');
  writeFileSync(settingsPath, `${JSON.stringify(demoSettings({ replay: speed > 1 }), null, 2)}\n`);
  const tz = process.env.WALLBOARD_TZ || afternoonZone(Date.now());
  const apiToken = process.env.WALLBOARD_API_TOKEN || `wb_demo_${secret(18)}`;
  const ingestToken = process.env.WALLBOARD_INGEST_TOKEN || `wb_demo_${secret(18)}`;
  const admin = { username: 'demo-admin', password: secret(12) };
  const env = { ...process.env };
  for (const name of ['REDIS_URL', 'WALLBOARD_REDIS_SENTINELS', 'WALLBOARD_REDIS_SENTINEL_MASTER', 'WALLBOARD_REDIS_CLUSTER', 'WALLBOARD_REDIS_PREFIX'])
    delete env[name];
  Object.assign(env, {
    PORT: process.env.PORT ?? '3000',
    WALLBOARD_TZ: tz,
    WALLBOARD_DATA_DIR: dataDir,
    WALLBOARD_CONFIG: settingsPath,
    WALLBOARD_API_TOKEN: apiToken,
    WALLBOARD_INGEST_TOKEN: ingestToken,
    WALLBOARD_ADMIN_USER: admin.username,
    WALLBOARD_ADMIN_PASSWORD: admin.password,
  });

  const server = await startServer(env).catch((err: Error) => fail(err.message));
  const children: ChildProcess[] = [server.child];
  const stop = (signal: NodeJS.Signals, code: number) => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    void Promise.all(
      children.map((child) => (child.exitCode === null && child.signalCode === null ? new Promise((done) => child.once('exit', done)) : null)),
    ).then(() => {
      process.stdout.write('demo: stopped\n');
      process.exit(code);
    });
  };
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      if (!stopping) stop(signal, 0);
      stopping = true;
    });

  const people = await createDemoPeople(server.url, admin, agentOnShift(Date.now(), tz), () => secret(9)).catch((err: Error) => {
    stop('SIGTERM', 1);
    throw err;
  });
  const floor = startFloor({ ...env, URL: server.url, DEMO_SEED: args.seed, DEMO_SPEED: String(speed) });
  children.push(floor);
  for (const child of children)
    child.once('exit', (code, signal) => {
      if (stopping) return;
      stopping = true;
      // Ctrl-C reaches the whole process group: a child may hear it before this process does.
      const clean = code === 0 || signal === 'SIGINT' || signal === 'SIGTERM';
      if (!clean) process.stderr.write(`demo: ${child === floor ? 'the simulator' : 'the server'} stopped (${signal ?? code}); stopping the rest\n`);
      stop('SIGTERM', clean ? 0 : 1);
    });
  started = true;
  process.stdout.write(banner({ url: server.url, tz, apiToken, people, admin, dataDir }));
  process.stdout.write(`processes: server ${server.child.pid}, redis-server port ${server.redisPort ?? 'none'}, simulator ${floor.pid}\n`);
}

main().catch((err: Error) => fail(err.message));
