import { acceptAmount, amountLimits, defaultAmountLimit } from '../../core/amount-limits';
import { DomainError } from '../../core/decider';
import { currency, MoneyError } from '../../core/money';

describe('amount limits', () => {
  it('by default: 10^11 minor units, the minor unit’s decimal places', () => {
    const shown = (code: string) => {
      const l = defaultAmountLimit(currency(code));
      return [l.maximum.toFixed(), l.decimals];
    };
    expect(shown('EUR')).toEqual(['1000000000', 2]);
    expect(shown('IDR')).toEqual(['1000000000', 2]);
    expect(shown('JPY')).toEqual(['100000000000', 0]);
    expect(shown('VND')).toEqual(['100000000000', 0]);
    expect(shown('KWD')).toEqual(['100000000', 3]);
  });

  it('accepts up to the limit and refuses past it, or with too many decimals, as domain errors', () => {
    const limits = amountLimits({ IDR: { maximum: '5000000000', decimals: 0 } });
    expect(acceptAmount(limits, '10000000', 'VND').amount.toFixed()).toBe('10000000');
    expect(acceptAmount(limits, '5000000000', 'IDR').amount.toFixed()).toBe('5000000000');
    const refused = (amount: string, code: string) => {
      try {
        acceptAmount(limits, amount, code);
      } catch (error) {
        return [(error as DomainError).code, (error as DomainError).message];
      }
      return null;
    };
    expect(refused('5000000001', 'IDR')).toEqual([
      'amount-out-of-range',
      '5000000001 IDR is more than the largest accepted amount, 5000000000 IDR',
    ]);
    expect(refused('10.5', 'IDR')).toEqual(['invalid-amount', '10.5 IDR has too many decimal places: IDR amounts take at most 0']);
    expect(refused(`1${'0'.repeat(45)}`, 'EUR')?.[0]).toBe('amount-out-of-range');
    expect(refused('1e3', 'EUR')?.[0]).toBe('invalid-amount');
    expect(refused('5', 'XXY')?.[0]).toBe('invalid-amount');
  });

  it('refuses settings that name no currency or allow nothing', () => {
    expect(() => amountLimits({ XXY: { maximum: '5' } })).toThrow(MoneyError);
    expect(() => amountLimits({ EUR: { maximum: '0' } })).toThrow('the largest EUR amount must be more than zero');
    expect(() => acceptAmount(amountLimits(), '1', 'EUR')).not.toThrow(DomainError);
  });
});
