import type { E164 } from './e164';

/** A key the directory publishes for a number (`v=dirkey1; k=ed25519; p=<base64>`). */
export interface DirectoryKey {
  readonly algorithm: 'ed25519';
  /** The raw 32-byte public key. */
  readonly publicKey: Uint8Array;
}

/** An ENUM NAPTR entry (RFC 6116 / RFC 3403) reduced to what routing needs. */
export interface EnumEntry {
  readonly order: number;
  readonly preference: number;
  readonly service: string;
  readonly uri: string;
}

/** How an answer was obtained: kept with accounts opened on it. */
export interface DirectoryEvidence {
  readonly source: string;
  /** True only when a validating resolver set the AD bit (or the static directory, which says so). */
  readonly authenticated: boolean;
  readonly ttlSeconds: number;
  readonly at: string;
}

export type DirectoryAnswer =
  | {
      readonly status: 'found';
      readonly keys: readonly DirectoryKey[];
      readonly enum: readonly EnumEntry[];
      readonly evidence: DirectoryEvidence;
    }
  | { readonly status: 'no-such-number'; readonly evidence: DirectoryEvidence };

export type DirectoryFailure = 'bogus' | 'unsigned' | 'unreachable' | 'refused';

/** The directory could not vouch for an answer: never to be taken for "no key". */
export class DirectoryUnavailableError extends Error {
  override readonly name = 'DirectoryUnavailableError';
  constructor(
    readonly reason: DirectoryFailure,
    message: string,
  ) {
    super(message);
  }
}

/** The port: the public keys and ENUM entries the directory publishes for a number. */
export interface Directory {
  readonly description: string;
  lookup(number: E164): Promise<DirectoryAnswer>;
}

/** `+441234567890` under `e164.directory.test` → `0.9.8.7.6.5.4.3.2.1.4.4.e164.directory.test` (RFC 6116). */
export function enumOwnerName(number: E164, zone: string): string {
  return `${[...number.slice(1)].reverse().join('.')}.${zone.replace(/\.$/, '')}`;
}

/** Parses a key TXT record; null for anything that is not a `dirkey1` Ed25519 key (ignored, not an error). */
export function parseKeyRecord(text: string): DirectoryKey | null {
  const fields = new Map(
    text
      .split(';')
      .map((f) => f.trim().split('=') as [string, ...string[]])
      .filter((f) => f.length >= 2)
      .map(([k, ...v]) => [k.trim(), v.join('=').trim()] as const),
  );
  if (fields.get('v') !== 'dirkey1' || fields.get('k') !== 'ed25519') return null;
  const p = fields.get('p') ?? '';
  if (!/^[A-Za-z0-9+/]{43}=$/.test(p)) return null;
  return { algorithm: 'ed25519', publicKey: Uint8Array.from(Buffer.from(p, 'base64')) };
}

/** The SIP URI of an E2U+sip NAPTR (`!^.*$!sip:…!`), or null for other services and regexps. */
export function parseEnumRecord(r: {
  order: number;
  preference: number;
  flags: string;
  services: string;
  regexp: string;
}): EnumEntry | null {
  if (r.flags.toLowerCase() !== 'u' || !/^e2u\+sip$/i.test(r.services)) return null;
  const m = /^!\^\.\*\$!(sips?:[^!]+)!$/.exec(r.regexp);
  return m ? { order: r.order, preference: r.preference, service: 'E2U+sip', uri: m[1]! } : null;
}
