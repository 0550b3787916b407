import { parsePhoneNumberWithError, ParseError, type CountryCode } from 'libphonenumber-js/max';

export type E164 = string & { readonly __e164: unique symbol };

export class InvalidPhoneNumberError extends Error {
  override readonly name = 'InvalidPhoneNumberError';
  constructor(
    readonly input: string,
    readonly reason: string,
  ) {
    super(`not a phone number: ${JSON.stringify(input)} (${reason})`);
  }
}

export interface ParseOptions {
  /** Country used to read a national number such as "020 7946 0958"; without it a number needs +. */
  readonly defaultCountry?: CountryCode;
}

const ALLOWED = /^[+\d\s().\-/]+$/;

/** Parses anything a person or a SIP URI might give ("+44 20 7946 0958", "tel:+4420…", "0044…") to E.164. */
/**
 * Valid numbers parsed lately: the numbering-plan check is a twentieth of a call authorization's
 * CPU, and the same callers and destinations come back all day. A pure memo (the answer for a
 * text never changes), bounded by clearing when full; refusals are not kept.
 */
const RECENT_MAX = 50_000;
const recent = new Map<string, E164>();

export function parseE164(input: string, options: ParseOptions = {}): E164 {
  if (typeof input !== 'string') throw new InvalidPhoneNumberError(String(input), 'not a string');
  let text = input.trim();
  if (text.startsWith('tel:')) text = text.slice(4).split(';')[0] ?? '';
  if (text.startsWith('00')) text = `+${text.slice(2)}`;
  if (text.length === 0) throw new InvalidPhoneNumberError(input, 'empty');
  if (!ALLOWED.test(text)) throw new InvalidPhoneNumberError(input, 'contains characters a phone number cannot have');
  const key = `${options.defaultCountry ?? ''}|${text}`;
  const known = recent.get(key);
  if (known) return known;
  try {
    const parsed = parsePhoneNumberWithError(text, options.defaultCountry);
    if (!parsed.isValid()) throw new InvalidPhoneNumberError(input, 'no such number in the numbering plan');
    if (recent.size >= RECENT_MAX) recent.clear();
    recent.set(key, parsed.number as E164);
    return parsed.number as E164;
  } catch (error) {
    if (error instanceof InvalidPhoneNumberError) throw error;
    const reason = error instanceof ParseError ? error.message.toLowerCase().replace(/_/g, ' ') : 'unreadable';
    throw new InvalidPhoneNumberError(input, reason);
  }
}

/** The digits after +, which rating matches prefixes against. */
export function digitsOf(number: E164): string {
  return number.slice(1);
}

export function isE164(text: string): text is E164 {
  try {
    return parseE164(text) === text;
  } catch {
    return false;
  }
}

/**
 * Numbers whose country is known. Parsing a number costs more than a projection's whole write of
 * the event that names it, and calls go to the same numbers again and again; bounded, so a log of
 * millions of distinct numbers holds no more than this many at once.
 */
const countries = new Map<string, string>();
const COUNTRIES_KEPT = 20_000;

/** The ISO 3166 country a number belongs to (`ZZ` when the plan does not say: +800, satellites). */
export function countryOf(number: string): string {
  const known = countries.get(number);
  if (known !== undefined) return known;
  let country: string;
  try {
    country = parsePhoneNumberWithError(number).country ?? 'ZZ';
  } catch {
    country = 'ZZ';
  }
  if (countries.size >= COUNTRIES_KEPT) countries.clear();
  countries.set(number, country);
  return country;
}
