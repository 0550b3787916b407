import { billedSeconds } from '../pricing/billed-duration';
import type { RateRow } from '../pricing/charge';

/**
 * Whether a call charged on `retail` pays at least what `carrier` invoices for it, at **every**
 * duration: LCR guards margins for one duration, but a call may last any time, and failover may
 * carry it on any route offered. Exact and in whole numbers: rates and fees scaled to integers,
 * each side × 60, the retail side before its (upward, so only helpful) charge rounding.
 *
 * Only finitely many durations need checking. Past the larger of both initial increments and
 * minimums, billed − actual seconds repeat on each side with the period lcm(subsequents), and
 * within one phase the retail side grows at least as fast as the cost when its rate is at least
 * the carrier's (a lower rate loses on long enough calls). So the first period after that point
 * decides the rest; it is scanned up to `MAX_SCAN` seconds.
 */
export function coversEveryDuration(retail: RateRow, carrier: RateRow): boolean {
  let byCarrier = memo.get(retail);
  if (!byCarrier) memo.set(retail, (byCarrier = new WeakMap()));
  let answer = byCarrier.get(carrier);
  if (answer === undefined) byCarrier.set(carrier, (answer = check(retail, carrier)));
  return answer;
}

/** Calls longer than a day are beyond any grant; a scan never goes past it. */
export const MAX_SCAN = 86_400;

const memo = new WeakMap<RateRow, WeakMap<RateRow, boolean>>();

function check(retail: RateRow, carrier: RateRow): boolean {
  const places = Math.max(...[retail.rate, retail.connectFee, carrier.rate, carrier.connectFee].map(decimalsOf));
  const [R, F, r, f] = [retail.rate, retail.connectFee, carrier.rate, carrier.connectFee].map((t) => scaled(t, places)) as [
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  if (R < r) return false;
  const settled = Math.max(retail.initial, retail.minimum, carrier.initial, carrier.minimum);
  const last = Math.min(settled + lcm(retail.subsequent, carrier.subsequent), MAX_SCAN);
  for (let d = 1; d <= last; d++) {
    const charge = R * BigInt(billedSeconds(retail, d)) + 60n * F;
    const cost = r * BigInt(billedSeconds(carrier, d)) + 60n * f;
    if (charge < cost) return false;
  }
  return true;
}

const decimalsOf = (text: string) => text.split('.')[1]?.length ?? 0;
const scaled = (text: string, places: number) => {
  const [whole, fraction = ''] = text.split('.');
  return BigInt(whole! + fraction.padEnd(places, '0'));
};
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const lcm = (a: number, b: number) => (a / gcd(a, b)) * b;
