import { digitsOf, InvalidPhoneNumberError, isE164, parseE164 } from '../../core/e164';

describe('E.164', () => {
  test.each([
    ['+44 20 7946 0958', '+442079460958'],
    ['0044 20 7946 0958', '+442079460958'],
    ['tel:+1-202-555-0143;ext=1', '+12025550143'],
    ['+49 (30) 901820', '+4930901820'],
  ])('normalizes %s', (input, expected) => {
    expect(parseE164(input)).toBe(expected);
  });

  test('reads national numbers only with a default country', () => {
    expect(parseE164('020 7946 0958', { defaultCountry: 'GB' })).toBe('+442079460958');
    expect(() => parseE164('020 7946 0958')).toThrow(InvalidPhoneNumberError);
  });

  test.each(['', 'hello', '+44 20 7946 095a', '+999 123', '+44 1', 'sip:alice@example.org'])('refuses %j', (input) => {
    expect(() => parseE164(input)).toThrow(/not a phone number/);
  });

  test('digits and checks', () => {
    expect(digitsOf(parseE164('+442079460958'))).toBe('442079460958');
    expect(isE164('+442079460958')).toBe(true);
    expect(isE164('+44 20 7946 0958')).toBe(false);
  });
});
