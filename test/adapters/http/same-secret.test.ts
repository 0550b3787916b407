import { sameSecret, secretMatcher } from '../../../adapters/http/same-secret';

describe('comparing a presented secret with the expected one', () => {
  const cases: [given: string | Buffer, expected: string | Buffer][] = [
    ['hook-secret-0123456789', 'hook-secret-0123456789'],
    ['hook-secret-0123456789', 'hook-secret-0123456780'],
    ['hook-secret', 'hook-secret-0123456789'],
    ['', 'hook-secret-0123456789'],
    // as long in characters, longer in bytes: never a throw from timingSafeEqual
    ['hook-secret-012345678é', 'hook-secret-0123456789'],
    [Buffer.from('s3cret'), 's3cret'],
  ];

  test.each(cases)('%s against %s: the matcher answers as sameSecret does', (given, expected) => {
    const equal = Buffer.from(given).equals(Buffer.from(expected));
    expect(sameSecret(given, expected)).toBe(equal);
    expect(secretMatcher(expected)(given)).toBe(equal);
  });

  test('one matcher answers many presented secrets', () => {
    const matches = secretMatcher('hook-secret-0123456789');
    expect(['x', 'hook-secret-0123456789', 'hook-secret-0123456789 ', 'hook-secret-0123456789'].map(matches)).toEqual([
      false,
      true,
      false,
      true,
    ]);
  });
});
