// The sign-in redirect goes only to a path on this origin.
import { describe, expect, it } from 'vitest';
import { sameOriginPath } from '../shared/redirect.ts';

describe('sameOriginPath', () => {
  it.each(['/wall', '/wall?queues=a,b', '/lead#team', '/'])('keeps %s', (path) => {
    expect(sameOriginPath(path)).toBe(path);
  });
  it.each(['/\\evil.com', '//evil.com', 'https://evil.com', '/\t/evil.com', '/\n/evil.com', 'evil.com', '', ' /wall', 'javascript:alert(1)', '/\\/evil.com'])(
    'refuses %j',
    (path) => {
      expect(sameOriginPath(path)).toBeUndefined();
    },
  );
  it('refuses nothing given', () => {
    expect(sameOriginPath(null)).toBeUndefined();
  });
});
