import { DomainError } from './decider';
import { currency, Decimal, minorUnits, money, MoneyError, type Currency, type Money } from './money';

/**
 * The largest amount taken from outside, by default, is 10^11 minor units of its currency:
 * 1,000,000,000 in a 2-decimal currency (EUR, USD, IDR), 100,000,000,000 in a 0-decimal one
 * (JPY, VND, KRW), 100,000,000 in a 3-decimal one (KWD). Counting in minor units lets the
 * currencies whose unit is worth little take realistic large amounts while none takes an
 * absurd one.
 */
export const DEFAULT_MAX_MINOR_DIGITS = 11;

/** What one currency accepts: at most `maximum`, with at most `decimals` decimal places. */
export interface AmountLimit {
  readonly maximum: Decimal;
  readonly decimals: number;
}

/** A configured override for one currency; what it leaves out keeps the default. */
export interface AmountLimitSetting {
  readonly maximum?: string;
  readonly decimals?: number;
}

export type AmountLimitSettings = Readonly<Record<string, AmountLimitSetting>>;

export type AmountLimits = (c: Currency) => AmountLimit;

/** The default for a currency: at most 10^(11 − e), with at most e decimals, e its ISO 4217 minor unit. */
export function defaultAmountLimit(c: Currency): AmountLimit {
  const e = minorUnits(c);
  return { maximum: new Decimal(10).pow(DEFAULT_MAX_MINOR_DIGITS - e), decimals: e };
}

/** The limits with the configured overrides; refuses an override that is not a positive decimal or names no currency. */
export function amountLimits(settings: AmountLimitSettings = {}): AmountLimits {
  const overrides = new Map<string, AmountLimit>();
  for (const [code, s] of Object.entries(settings)) {
    const c = currency(code);
    const base = defaultAmountLimit(c);
    const maximum = s.maximum === undefined ? base.maximum : money(s.maximum, c).amount;
    if (!maximum.greaterThan(0)) throw new MoneyError(`the largest ${c} amount must be more than zero`);
    const decimals = s.decimals ?? base.decimals;
    if (!Number.isInteger(decimals) || decimals < 0) throw new MoneyError(`${c} decimal places must be a whole number`);
    overrides.set(c, { maximum, decimals });
  }
  return (c) => overrides.get(c) ?? defaultAmountLimit(c);
}

/**
 * An amount taken from outside (a grant, a voucher, a top-up), as money within its currency's
 * limit; a refusal is a DomainError naming the limit, so nothing is recorded.
 */
export function acceptAmount(limits: AmountLimits, amount: string, code: string): Money {
  let value: Money;
  try {
    value = money(amount, code);
  } catch (error) {
    if (error instanceof MoneyError) throw new DomainError('invalid-amount', error.message);
    throw error;
  }
  const limit = limits(value.currency);
  if (value.amount.decimalPlaces() > limit.decimals)
    throw new DomainError(
      'invalid-amount',
      `${amount} ${value.currency} has too many decimal places: ${value.currency} amounts take at most ${limit.decimals}`,
      { decimals: limit.decimals },
    );
  if (value.amount.abs().greaterThan(limit.maximum))
    throw new DomainError(
      'amount-out-of-range',
      `${amount} ${value.currency} is more than the largest accepted amount, ${limit.maximum.toFixed()} ${value.currency}`,
      { maximum: limit.maximum.toFixed() },
    );
  return value;
}
