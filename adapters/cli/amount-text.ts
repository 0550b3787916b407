import { currency as currencyOf, minorUnits, parseDecimal, roundDecimal } from '../../core/money';

const placesOf = (text: string) => text.split('.')[1]?.length ?? 0;

/**
 * An amount as a table shows it to a person: half-even to the currency's minor unit, or to as
 * many places as the prices it came from (`basis`: a per-minute rate, a connect fee) when they
 * have more. An exact cost of 37 s at 0.0061/min is 0.003761666…, shown as 0.0038; `--json`
 * keeps the exact figure. Without a currency (a dropped route's cost), six places.
 */
export function shownAmount(amount: string, currency: string, ...basis: readonly string[]): string {
  let places = 6;
  try {
    if (currency) places = minorUnits(currencyOf(currency));
  } catch {
    // a code the engine does not know still prints, at six places
  }
  for (const b of basis) places = Math.max(places, placesOf(b));
  return roundDecimal(parseDecimal(amount), 'half-even', places).toFixed(places);
}
