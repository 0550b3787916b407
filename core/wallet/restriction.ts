import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import type { Restriction } from './events';

type NumberType = NonNullable<Restriction['numberTypes']>[number];

/** libphonenumber's types for each restriction word; plans that cannot tell fixed from mobile match both. */
const TYPES: Record<NumberType, ReadonlySet<string>> = {
  landline: new Set(['FIXED_LINE', 'FIXED_LINE_OR_MOBILE']),
  mobile: new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE']),
  'toll-free': new Set(['TOLL_FREE']),
};

/**
 * Whether granted credit with this restriction may pay for a call or message to `destination`
 * (E.164). No restriction allows everything; a restricted grant never pays for a charge with
 * no destination.
 */
export function destinationAllowed(restriction: Restriction | null, destination: string | null): boolean {
  if (!restriction) return true;
  // a cap on each charge alone says nothing of where the credit may go
  if (!restriction.prefixes && !restriction.countries && !restriction.numberTypes) return true;
  if (!destination) return false;
  const digits = destination.replace(/^\+/, '');
  if (restriction.prefixes && !restriction.prefixes.some((p) => digits.startsWith(p))) return false;
  if (!restriction.countries && !restriction.numberTypes) return true;
  let parsed;
  try {
    parsed = parsePhoneNumberWithError(`+${digits}`);
  } catch {
    return false;
  }
  if (restriction.countries && !(parsed.country && restriction.countries.includes(parsed.country))) return false;
  if (restriction.numberTypes) {
    const type = parsed.getType();
    if (!type || !restriction.numberTypes.some((t) => TYPES[t].has(type))) return false;
  }
  return true;
}
