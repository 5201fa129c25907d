// Who asks for redis-server: the tests and the demo always start their own, whatever Redis the shell names.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Runs a project script with no program on PATH (so neither redis-server nor apt-get is found) and `env` added. */
function run(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, args, { env: { PATH: '/nonexistent', ...env }, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stderr: result.stderr };
}

describe('redis-server missing', () => {
  it('stops the tests with what to install, even when REDIS_URL is set in the shell', () => {
    const { status, stderr } = run(['scripts/ensure-system-deps.mjs', 'redis'], { REDIS_URL: 'redis://10.0.0.21:6379/0' });
    expect(status).toBe(1);
    expect(stderr).toContain('Missing: redis-server. Install with:');
    expect(stderr).toContain('apt-get install -y redis-server');
  });

  it('stops the demo, which never uses the Redis the shell names', () => {
    const { status, stderr } = run(['scripts/start.mjs', '--prepare'], { REDIS_URL: 'redis://10.0.0.21:6379/0' });
    expect(status).toBe(1);
    expect(stderr).toContain('Missing: redis-server');
  });
});
