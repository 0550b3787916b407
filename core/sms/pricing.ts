import { parseDecimal, type Decimal } from '../money';
import { roundCharge } from '../pricing/charge';
import type { SmsPrice } from './commands';

/**
 * What `segments` segments cost: per segment × segments + per message, rounded *up* once to
 * `decimals`, by the charge rule calls use (exact when the prices have no more decimals than that).
 */
export function smsPrice(price: SmsPrice, segments: number, decimals: number): Decimal {
  return roundCharge(parseDecimal(price.perSegment).times(segments).plus(parseDecimal(price.perMessage)), decimals);
}
