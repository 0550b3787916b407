import { Decimal, parseDecimal } from '../money';
import type { SmsPrice } from './commands';

/**
 * What `segments` segments cost: per segment × segments + per message, rounded *up* once to
 * `decimals` (the same rule as calls; exact when the prices have no more decimals than that).
 */
export function smsPrice(price: SmsPrice, segments: number, decimals: number): Decimal {
  return parseDecimal(price.perSegment).times(segments).plus(parseDecimal(price.perMessage)).toDecimalPlaces(decimals, Decimal.ROUND_UP);
}
