import type { DeckRow } from '../rating/catalog-events';
import { Decimal, parseDecimal } from '../money';

/**
 * What a call on a retail rate row costs, as charged: the row's increments (initial, then
 * subsequent, at least its minimum once connected), rate per minute × billed seconds / 60 plus
 * the connect fee, rounded **up** once to `decimals` places. Up, because a charge rounded down
 * would sell below the published price; once, so that no per-increment rounding accumulates.
 */
export const CHARGE_DECIMALS = 6;

export type RateRow = Pick<DeckRow, 'rate' | 'connectFee' | 'initial' | 'subsequent' | 'minimum'>;

export function billedSeconds(row: RateRow, seconds: number): number {
  if (seconds <= 0) return 0;
  const billed = row.initial + Math.ceil(Math.max(0, seconds - row.initial) / row.subsequent) * row.subsequent;
  return Math.max(billed, row.minimum);
}

export function chargeFor(row: RateRow, seconds: number, decimals = CHARGE_DECIMALS): { billedSeconds: number; amount: Decimal } {
  const billed = billedSeconds(row, seconds);
  if (billed === 0) return { billedSeconds: 0, amount: new Decimal(0) };
  const exact = parseDecimal(row.rate).times(billed).dividedBy(60).plus(parseDecimal(row.connectFee));
  return { billedSeconds: billed, amount: exact.toDecimalPlaces(decimals, Decimal.ROUND_UP) };
}

/**
 * The longest duration, in whole billing increments and at most `capSeconds`, whose charge
 * `budget` pays for; 0 when not even the first increment (with the connect fee) is affordable.
 * The charge grows with the seconds, so a binary search over increments finds it.
 */
export function affordableSeconds(row: RateRow, budget: Decimal, capSeconds: number, decimals = CHARGE_DECIMALS): number {
  const first = Math.max(row.initial, row.minimum);
  if (capSeconds < first || chargeFor(row, first, decimals).amount.greaterThan(budget)) return 0;
  // billed durations are first, then first + k × subsequent past the initial increment
  const durationOf = (k: number) => billedSeconds(row, row.initial + k * row.subsequent);
  let lo = 0;
  let hi = Math.max(0, Math.floor((capSeconds - row.initial) / row.subsequent));
  if (durationOf(hi) > capSeconds) hi = Math.max(0, hi - 1);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (chargeFor(row, durationOf(mid), decimals).amount.lessThanOrEqualTo(budget)) lo = mid;
    else hi = mid - 1;
  }
  return Math.min(capSeconds, durationOf(lo));
}
