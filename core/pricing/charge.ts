import type { DeckRow } from '../rating/catalog-events';
import { Decimal, parseDecimal, roundDecimal } from '../money';
import { billedSeconds } from './billed-duration';

/**
 * What a call on a retail rate row costs, as charged: the row's increments (initial, then
 * subsequent, at least its minimum once connected), rate per minute × billed seconds / 60 plus
 * the connect fee, rounded **up** once to `decimals` places. Up, because a charge rounded down
 * would sell below the published price; once, so that no per-increment rounding accumulates.
 */
export const CHARGE_DECIMALS = 6;

export type RateRow = Pick<DeckRow, 'rate' | 'connectFee' | 'initial' | 'subsequent' | 'minimum'>;

export { billedSeconds };

/** Rate per minute × billed seconds / 60, plus the connect fee once the call connected: exact, unrounded. */
export function exactPrice(rate: Decimal, connectFee: Decimal, billed: number): Decimal {
  return billed > 0 ? rate.times(billed).dividedBy(60).plus(connectFee) : new Decimal(0);
}

/** A charge's one rounding step: up, to `decimals` places (see above for why up, and why once). */
export function roundCharge(exact: Decimal, decimals = CHARGE_DECIMALS): Decimal {
  return roundDecimal(exact, 'up', decimals);
}

export function chargeFor(row: RateRow, seconds: number, decimals = CHARGE_DECIMALS): { billedSeconds: number; amount: Decimal } {
  const billed = billedSeconds(row, seconds);
  if (billed === 0) return { billedSeconds: 0, amount: new Decimal(0) };
  return { billedSeconds: billed, amount: roundCharge(exactPrice(parseDecimal(row.rate), parseDecimal(row.connectFee), billed), decimals) };
}

/**
 * The longest duration, in whole billing increments and at most `capSeconds`, whose charge
 * `budget` pays for; 0 when not even the first increment (with the connect fee) is affordable.
 *
 * Solved directly rather than searched: a charge is a multiple of 10^-decimals rounded up, so
 * it is at most the budget exactly when the unrounded rate × seconds / 60 + connect fee is at
 * most the budget rounded *down* to those places. That bounds the billed seconds (one exact
 * division); the answer is the last increment boundary within the bound and the cap. (A search
 * priced a dozen durations per authorization: most of its allocation.)
 */
export function affordableSeconds(row: RateRow, budget: Decimal, capSeconds: number, decimals = CHARGE_DECIMALS): number {
  const first = Math.max(row.initial, row.minimum);
  if (capSeconds < first) return 0;
  const room = roundDecimal(budget, 'down', decimals).minus(parseDecimal(row.connectFee));
  if (room.isNegative()) return 0;
  const rate = parseDecimal(row.rate);
  const payable = rate.isZero() ? null : room.times(60).dividedToIntegerBy(rate);
  const limit = payable === null || payable.greaterThanOrEqualTo(capSeconds) ? capSeconds : payable.toNumber();
  // the durations offered are initial + k × subsequent, or the minimum while that is longer
  const k = Math.floor((limit - row.initial) / row.subsequent);
  if (k >= 0 && row.initial + k * row.subsequent >= row.minimum) return row.initial + k * row.subsequent;
  // every increment within the limit is shorter than the minimum: a call bills the minimum's increments
  const minimumPaid = payable === null || payable.greaterThanOrEqualTo(billedSeconds(row, row.minimum));
  return row.minimum > 0 && minimumPaid ? row.minimum : 0;
}
