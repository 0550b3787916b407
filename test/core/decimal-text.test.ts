import fc from 'fast-check';
import { addDecimals, addDecimalsKeepingScale, negateDecimal } from '../../core/decimal-text';

describe('exact decimal strings', () => {
  it('adds any size and scale without rounding', () => {
    expect(addDecimals('9007199254740993', '0.000000001')).toBe('9007199254740993.000000001');
    expect(addDecimals('0.1', '0.2')).toBe('0.3');
    expect(addDecimals('-0.25', '0.25')).toBe('0');
    expect(addDecimals('1' + '0'.repeat(60), '-1')).toBe('9'.repeat(60));
    expect(addDecimals('-0.001', '0')).toBe('-0.001');
    expect(negateDecimal('12.50')).toBe('-12.5');
    expect(negateDecimal('-3')).toBe('3');
    expect(() => addDecimals('1e3', '1')).toThrow(RangeError);
  });

  it('adds keeping the larger scale, as NUMERIC does, and the same value as the canonical sum', () => {
    expect(addDecimalsKeepingScale('0.015', '0.005')).toBe('0.020');
    expect(addDecimalsKeepingScale('-0.25', '0.25')).toBe('0.00');
    expect(addDecimalsKeepingScale('1', '-3.10')).toBe('-2.10');
    expect(addDecimalsKeepingScale('-0.001', '0')).toBe('-0.001');
    expect(addDecimalsKeepingScale('7', '5')).toBe('12');
    fc.assert(
      fc.property(fc.bigInt(), fc.nat(9), fc.bigInt(), fc.nat(9), (a, sa, b, sb) => {
        const text = (n: bigint, scale: number) => {
          const digits = (n < 0n ? -n : n).toString().padStart(scale + 1, '0');
          const whole = digits.slice(0, digits.length - scale);
          return `${n < 0n ? '-' : ''}${whole}${scale ? `.${digits.slice(digits.length - scale)}` : ''}`;
        };
        const sum = addDecimalsKeepingScale(text(a, sa), text(b, sb));
        expect(sum.split('.')[1]?.length ?? 0).toBe(Math.max(sa, sb));
        expect(addDecimals(sum, '0')).toBe(addDecimals(text(a, sa), text(b, sb)));
      }),
    );
  });

  it('agrees with integer arithmetic on the scaled values', () => {
    fc.assert(
      fc.property(fc.bigInt(), fc.bigInt(), fc.nat(12), (a, b, scale) => {
        const text = (n: bigint) => {
          const digits = (n < 0n ? -n : n).toString().padStart(scale + 1, '0');
          const s = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
          return n < 0n ? `-${s}` : s;
        };
        expect(addDecimals(addDecimals(text(a), text(b)), negateDecimal(text(b)))).toBe(addDecimals(text(a), '0'));
        expect(addDecimals(text(a), text(b))).toBe(addDecimals(text(a + b), '0'));
      }),
      { numRuns: 200 },
    );
  });
});
