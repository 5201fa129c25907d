// The address's query read as written: a comma list split on literal commas, escaped ones kept in the id.
import { describe, expect, it } from 'vitest';
import { listParam, withoutParam } from '../../client/src/lib/query.ts';

describe('listParam', () => {
  it('splits on literal commas and decodes each id after', () => {
    expect(listParam('?queues=a%2Cb,c,100%25,constructor', 'queues')).toEqual(['a,b', 'c', '100%', 'constructor']);
    expect(listParam('?queues=%E6%97%A5%E6%9C%AC,+x+', 'queues')).toEqual(['日本', 'x']);
    expect(listParam('?board=f', 'queues')).toBeNull();
    expect(listParam('?queues=%E0,b', 'queues')).toEqual(['%E0', 'b']);
  });
});

describe('withoutParam', () => {
  it('takes one parameter off and leaves the rest as written', () => {
    expect(withoutParam('?token=t&queues=a%2Cb,c', 'token')).toBe('?queues=a%2Cb,c');
    expect(withoutParam('?token=t', 'token')).toBe('');
  });
});
