import DecimalJs from 'decimal.js';

/**
 * The one decimal type Trunkline computes money with. 40 significant digits cover
 * any balance times any rate without a silent loss (decimal.js defaults to 20);
 * an operation whose result would need more digits rounds half-even, but every
 * rounding that changes what a customer pays goes through `roundMoney` with a mode.
 */
export const Decimal = DecimalJs.clone({
  precision: 40,
  rounding: DecimalJs.ROUND_HALF_EVEN,
  toExpNeg: -40,
  toExpPos: 40,
});
export type Decimal = InstanceType<typeof Decimal>;

export type RoundingMode = 'up' | 'down' | 'half-up' | 'half-even' | 'ceil' | 'floor';

const ROUNDING: Record<RoundingMode, DecimalJs.Rounding> = {
  up: DecimalJs.ROUND_UP,
  down: DecimalJs.ROUND_DOWN,
  'half-up': DecimalJs.ROUND_HALF_UP,
  'half-even': DecimalJs.ROUND_HALF_EVEN,
  ceil: DecimalJs.ROUND_CEIL,
  floor: DecimalJs.ROUND_FLOOR,
};

/** ISO 4217 codes whose minor unit is not 2 digits; every other known code has 2. */
const MINOR_UNITS: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

const KNOWN_CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

export class MoneyError extends Error {
  override readonly name = 'MoneyError';
}

export type Currency = string & { readonly __currency: unique symbol };

export function currency(code: string): Currency {
  if (!/^[A-Z]{3}$/.test(code) || !KNOWN_CURRENCIES.has(code)) {
    throw new MoneyError(`not an ISO 4217 currency code: ${JSON.stringify(code)}`);
  }
  return code as Currency;
}

export function minorUnits(c: Currency): number {
  return MINOR_UNITS[c] ?? 2;
}

export interface Money {
  readonly amount: Decimal;
  readonly currency: Currency;
}

/** How money travels in events and JSON: a decimal string, never a float. */
export interface MoneyJson {
  readonly amount: string;
  readonly currency: string;
}

const DECIMAL_STRING = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/** Parses a decimal string strictly: no exponent, no float, no stray characters. */
export function parseDecimal(text: string): Decimal {
  if (typeof text !== 'string' || !DECIMAL_STRING.test(text)) {
    throw new MoneyError(`not a decimal number: ${JSON.stringify(text)}`);
  }
  return new Decimal(text);
}

export function money(amount: string | Decimal, code: string): Money {
  const value = typeof amount === 'string' ? parseDecimal(amount) : amount;
  if (!value.isFinite()) throw new MoneyError('money must be finite');
  return { amount: value, currency: currency(code) };
}

export function zero(code: string): Money {
  return money(new Decimal(0), code);
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new MoneyError(`cannot mix currencies: ${a.currency} and ${b.currency}`);
  }
}

export function add(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return { amount: a.amount.plus(b.amount), currency: a.currency };
}

export function subtract(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return { amount: a.amount.minus(b.amount), currency: a.currency };
}

/** Multiplies by a plain factor (a rate, a quantity); the result is exact up to 40 digits. */
export function multiply(a: Money, factor: Decimal | string): Money {
  const f = typeof factor === 'string' ? parseDecimal(factor) : factor;
  return { amount: a.amount.times(f), currency: a.currency };
}

export function negate(a: Money): Money {
  return { amount: a.amount.negated(), currency: a.currency };
}

export function compare(a: Money, b: Money): -1 | 0 | 1 {
  sameCurrency(a, b);
  return a.amount.comparedTo(b.amount) as -1 | 0 | 1;
}

export function isNegative(a: Money): boolean {
  return a.amount.isNegative() && !a.amount.isZero();
}

export function isZero(a: Money): boolean {
  return a.amount.isZero();
}

/**
 * The one place an amount (or a figure derived from amounts) is rounded: to `decimals` places,
 * the mode named by the caller. Every rounding in the engine goes through this or `roundMoney`,
 * so a search for the two names finds every rounding step and its reason.
 */
export function roundDecimal(value: Decimal, mode: RoundingMode, decimals: number): Decimal {
  return value.toDecimalPlaces(decimals, ROUNDING[mode]);
}

/** A Money rounded to `decimals` places (default: the currency's minor unit). */
export function roundMoney(a: Money, mode: RoundingMode, decimals = minorUnits(a.currency)): Money {
  return { amount: roundDecimal(a.amount, mode, decimals), currency: a.currency };
}

/** Integer minor units (what Stripe and card networks count); refuses a fraction of a minor unit. */
export function toMinor(a: Money): bigint {
  const scaled = a.amount.times(new Decimal(10).pow(minorUnits(a.currency)));
  if (!scaled.isInteger()) {
    throw new MoneyError(`${toJson(a).amount} ${a.currency} is not a whole number of minor units`);
  }
  return BigInt(scaled.toFixed(0));
}

export function fromMinor(units: bigint | number, code: string): Money {
  if (typeof units === 'number' && !Number.isSafeInteger(units)) {
    throw new MoneyError(`minor units must be a whole number: ${units}`);
  }
  const c = currency(code);
  return { amount: new Decimal(units.toString()).dividedBy(new Decimal(10).pow(minorUnits(c))), currency: c };
}

export function toJson(a: Money): MoneyJson {
  return { amount: a.amount.toFixed(), currency: a.currency };
}

export function fromJson(j: MoneyJson): Money {
  return money(j.amount, j.currency);
}

export function format(a: Money): string {
  return `${a.amount.toFixed()} ${a.currency}`;
}
