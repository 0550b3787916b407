import {
  add,
  compare,
  currency,
  format,
  fromJson,
  fromMinor,
  money,
  MoneyError,
  multiply,
  roundMoney,
  subtract,
  toJson,
  toMinor,
  Decimal,
  minorUnits,
} from '../../core/money';

describe('money', () => {
  // exact product: 123456789012345678.12469135689012345678123456789 (47 digits); 40 are kept, default decimal.js keeps 20
  test('adds without float error and keeps many digits', () => {
    expect(format(add(money('0.1', 'EUR'), money('0.2', 'EUR')))).toBe('0.3 EUR');
    const big = multiply(money('123456789012345678.123456789', 'USD'), '1.00000000000000000001');
    expect(toJson(big).amount).toBe('123456789012345678.1246913568901234567812');
  });

  test('refuses to mix currencies', () => {
    expect(() => add(money('1', 'EUR'), money('1', 'USD'))).toThrow(/cannot mix currencies: EUR and USD/);
    expect(() => compare(money('1', 'EUR'), money('1', 'GBP'))).toThrow(MoneyError);
  });

  test('knows ISO 4217 minor units and refuses unknown codes', () => {
    expect(minorUnits(currency('JPY'))).toBe(0);
    expect(minorUnits(currency('KWD'))).toBe(3);
    expect(minorUnits(currency('EUR'))).toBe(2);
    expect(() => currency('XXY')).toThrow(/ISO 4217/);
    expect(() => currency('eur')).toThrow(/ISO 4217/);
  });

  test('parses only plain decimal strings', () => {
    for (const bad of ['1e3', '0x10', ' 1', '1.', '.5', 'NaN', 'Infinity', '01', '']) {
      expect(() => money(bad, 'EUR')).toThrow(/not a decimal/);
    }
    expect(toJson(money('-0.5', 'EUR'))).toEqual({ amount: '-0.5', currency: 'EUR' });
  });

  test.each([
    ['half-even', '0.125', '0.12'],
    ['half-even', '0.135', '0.14'],
    ['half-up', '0.125', '0.13'],
    ['up', '0.121', '0.13'],
    ['down', '0.129', '0.12'],
    ['ceil', '-0.129', '-0.12'],
    ['floor', '-0.121', '-0.13'],
  ] as const)('rounds %s: %s → %s', (mode, input, expected) => {
    expect(toJson(roundMoney(money(input, 'EUR'), mode)).amount).toBe(expected);
  });

  test('converts to and from minor units exactly', () => {
    expect(toMinor(money('12.34', 'EUR'))).toBe(1234n);
    expect(toMinor(money('1234', 'JPY'))).toBe(1234n);
    expect(toMinor(money('1.234', 'KWD'))).toBe(1234n);
    expect(() => toMinor(money('12.345', 'EUR'))).toThrow(/whole number of minor units/);
    expect(format(fromMinor(1234n, 'EUR'))).toBe('12.34 EUR');
    expect(format(fromMinor(5, 'JPY'))).toBe('5 JPY');
    expect(() => fromMinor(1.5, 'EUR')).toThrow(/whole number/);
  });

  test('round-trips through JSON as decimal strings', () => {
    const m = subtract(money('10', 'GBP'), money('0.0000001', 'GBP'));
    expect(toJson(m)).toEqual({ amount: '9.9999999', currency: 'GBP' });
    expect(compare(fromJson(toJson(m)), m)).toBe(0);
  });

  test('the configured precision is at least 34 significant digits', () => {
    expect(Decimal.precision).toBeGreaterThanOrEqual(34);
  });
});
