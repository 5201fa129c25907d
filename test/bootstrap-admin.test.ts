// The admin from the environment: the first user of a fresh install, and WALLBOARD_ADMIN_RESET, the way back in when
// the only admin's password is lost.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bootstrapAdmin } from '../server/auth/bootstrapAdmin.ts';
import { readConfig } from '../server/config.ts';
import { startApp, type TestApp } from './support/app.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startApp(inject('redisUrl'));
});
afterAll(() => app.close());

const users = () => app.application.directory.users;
const signIn = (username: string, password: string) => app.request('POST', '/api/v1/session', { body: { username, password } });

describe('the admin from the environment', () => {
  it('is created on a fresh install, left alone after, and reset only when asked, ending its sessions', async () => {
    const logged: string[] = [];
    const log = (msg: string) => void logged.push(msg);
    await bootstrapAdmin(users(), { username: 'boss', password: 'first password', reset: false }, log);
    expect((await signIn('boss', 'first password')).body).toMatchObject({ username: 'boss', role: 'admin' });
    const cookie = (await signIn('boss', 'first password')).headers.get('set-cookie')!.split(';')[0]!;

    // Users exist: the environment's password changes nothing without the reset.
    await bootstrapAdmin(users(), { username: 'boss', password: 'forgotten one', reset: false }, log);
    expect((await signIn('boss', 'forgotten one')).status).toBe(401);

    const ended = await bootstrapAdmin(users(), { username: 'boss', password: 'new password', reset: true }, log);
    expect(ended.length).toBeGreaterThan(0);
    expect((await signIn('boss', 'first password')).status).toBe(401);
    expect((await signIn('boss', 'new password')).body).toMatchObject({ username: 'boss', role: 'admin' });
    expect((await app.request('GET', '/api/v1/users', { headers: { cookie } })).status).toBe(401);
    expect(logged).toEqual([
      'created the first admin from WALLBOARD_ADMIN_USER',
      'admin reset from WALLBOARD_ADMIN_USER and WALLBOARD_ADMIN_PASSWORD: unset WALLBOARD_ADMIN_RESET now',
    ]);
  });

  it('makes a demoted user an admin again, and creates the admin when that user is gone', async () => {
    expect((await users().create({ username: 'was-admin', password: 'some password', role: 'agent', agent: 'a1' })) !== null).toBe(true);
    await bootstrapAdmin(users(), { username: 'was-admin', password: 'back in now', reset: true }, () => undefined);
    expect((await signIn('was-admin', 'back in now')).body).toMatchObject({ role: 'admin' });
    await bootstrapAdmin(users(), { username: 'constructor', password: 'a new admin', reset: true }, () => undefined);
    expect((await signIn('constructor', 'a new admin')).body).toMatchObject({ username: 'constructor', role: 'admin' });
  });

  it('reads WALLBOARD_ADMIN_RESET as true or false only, and only beside the admin it resets', () => {
    const admin = { WALLBOARD_ADMIN_USER: 'boss', WALLBOARD_ADMIN_PASSWORD: 'new password' };
    expect(readConfig(admin).admin).toEqual({ username: 'boss', password: 'new password', reset: false });
    expect(readConfig({ ...admin, WALLBOARD_ADMIN_RESET: 'true' }).admin?.reset).toBe(true);
    expect(() => readConfig({ ...admin, WALLBOARD_ADMIN_RESET: 'yes' })).toThrow(/^WALLBOARD_ADMIN_RESET: /);
    expect(() => readConfig({ WALLBOARD_ADMIN_RESET: 'true' })).toThrow(/^WALLBOARD_ADMIN_RESET: needs WALLBOARD_ADMIN_USER/);
  });
});
