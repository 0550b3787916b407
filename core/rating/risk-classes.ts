import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { DomainError } from '../decider';
import { digitsOf, type E164 } from '../e164';

/** Destinations a provider blocks unless it allows them for an account: where toll fraud pays. */
export const RISK_CLASSES = ['premium-rate', 'shared-cost', 'satellite', 'high-cost'] as const;
export type RiskClass = (typeof RISK_CLASSES)[number];

/** Digit prefixes (E.164 without +) the provider puts in each class, beyond what the numbering plan says. */
export type RiskPrefixes = Readonly<Partial<Record<RiskClass, readonly string[]>>>;

/** A bounded memo: the numbering-plan lookup is the costly part, and the same destinations recur all day. */
const MEMO_MAX = 50_000;
const memo = new WeakMap<RiskPrefixes, Map<string, RiskClass | null>>();

/**
 * The risk class of a destination, or null: the provider's prefix lists first (satellite, high-cost
 * international, any it adds), then libphonenumber's number type (premium-rate, shared-cost).
 */
export function riskClassOf(destination: E164, prefixes: RiskPrefixes): RiskClass | null {
  let known = memo.get(prefixes);
  if (!known) memo.set(prefixes, (known = new Map()));
  const cached = known.get(destination);
  if (cached !== undefined) return cached;
  const digits = digitsOf(destination);
  let found: RiskClass | null = RISK_CLASSES.find((c) => prefixes[c]?.some((p) => digits.startsWith(p))) ?? null;
  if (!found) {
    const type = parsePhoneNumberWithError(destination).getType();
    found = type === 'PREMIUM_RATE' ? 'premium-rate' : type === 'SHARED_COST' ? 'shared-cost' : null;
  }
  if (known.size >= MEMO_MAX) known.clear();
  known.set(destination, found);
  return found;
}

/** Refuses a destination of a risk class the account is not allowed: calls and texts alike. */
export function refuseRisky(
  riskClass: RiskClass | null,
  allowed: readonly string[],
  destination: string,
  service: 'calls' | 'texts',
): void {
  if (riskClass && !allowed.includes(riskClass))
    throw new DomainError(
      'risky-destination',
      `${service} to ${destination} (${riskClass}) are blocked unless the provider allows them for this account`,
      {
        riskClass,
      },
    );
}

const prefixMemo = new WeakMap<RiskPrefixes, Map<string, RiskClass | null>>();
/** National numbers are mostly this long with their country code: padded to it first, then the others. */
const PADDED_LENGTHS = [12, 11, 13, 10, 14, 15];
/** Numbers under a prefix are sampled with these fill digits: a plan whose ranges cannot start with 0 (NANP) still gives a number. */
const FILLS = ['0', '5', '9'];

/** The numbering plan's class of the numbers under `prefix`: only when every valid sample agrees. */
function planClassOfPrefix(prefix: string): RiskClass | null {
  const classes = new Set<RiskClass | null>();
  for (const fill of FILLS)
    for (const length of PADDED_LENGTHS) {
      if (length <= prefix.length) continue;
      let type: string | undefined;
      try {
        const parsed = parsePhoneNumberWithError(`+${prefix}${fill.repeat(length - prefix.length)}`);
        if (!parsed.isValid()) continue;
        type = parsed.getType();
      } catch {
        continue;
      }
      classes.add(type === 'PREMIUM_RATE' ? 'premium-rate' : type === 'SHARED_COST' ? 'shared-cost' : null);
      break;
    }
  return classes.size === 1 ? [...classes][0]! : null;
}

/**
 * The risk class of a whole rate-sheet prefix, or null: a provider's list that covers it, else the
 * numbering plan's type of sample numbers under it (the prefix padded with 0s, 5s and 9s), when
 * they all agree. A
 * prefix only partly in a class (`44`, whose 09 numbers are premium-rate) is not marked: the
 * class of one number is `riskClassOf`'s.
 */
export function riskClassOfPrefix(prefix: string, prefixes: RiskPrefixes): RiskClass | null {
  let known = prefixMemo.get(prefixes);
  if (!known) prefixMemo.set(prefixes, (known = new Map()));
  const cached = known.get(prefix);
  if (cached !== undefined) return cached;
  let found: RiskClass | null = RISK_CLASSES.find((c) => prefixes[c]?.some((p) => prefix.startsWith(p))) ?? null;
  if (!found) found = planClassOfPrefix(prefix);
  if (known.size >= MEMO_MAX * 10) known.clear();
  known.set(prefix, found);
  return found;
}
