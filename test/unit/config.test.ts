// Yes/no settings read only `true` or `false`: anything else stops the server naming the variable, not a silent false.
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../server/config.ts';

describe('WALLBOARD_SECURE_COOKIES', () => {
  it('is off by default and reads true and false', () => {
    expect(readConfig({}).secureCookies).toBe(false);
    expect(readConfig({ WALLBOARD_SECURE_COOKIES: 'true' }).secureCookies).toBe(true);
    expect(readConfig({ WALLBOARD_SECURE_COOKIES: 'false' }).secureCookies).toBe(false);
  });

  it.each(['yes', '1', 'TRUE', 'on'])('refuses %j naming the variable', (value) => {
    expect(() => readConfig({ WALLBOARD_SECURE_COOKIES: value })).toThrow(/^WALLBOARD_SECURE_COOKIES: must be one of true, false, got "/);
  });
});
