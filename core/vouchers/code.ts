import { createHash } from 'node:crypto';

/** Crockford base32: no I, L, O, U, so a code read aloud or typed from a card survives. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TAG_LENGTH = 8;
const SECRET_LENGTH = 16;

export class VoucherCodeError extends Error {
  override readonly name = 'VoucherCodeError';
}

function base32(bytes: Uint8Array, length: number): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (out.length < length) throw new Error(`base32: ${bytes.length} bytes do not make ${length} characters`);
  return out;
}

/** A batch's tag (40 bits): names the batch stream, printed in each of its codes. */
export const batchTag = (random: Uint8Array): string => base32(random, TAG_LENGTH);

/**
 * A code: `<tag>-XXXX-XXXX-XXXX-XXXX`, the batch tag then an 80-bit secret from `random` (10
 * bytes). Guessing one of a million live codes takes ~2^60 tries, so hashes need no salt.
 */
export function voucherCode(tag: string, random: Uint8Array): string {
  const secret = base32(random, SECRET_LENGTH);
  return `${tag}-${secret.match(/.{4}/g)!.join('-')}`;
}

/** Reads a code as people type it: upper or lower case, spaces or dashes, O for 0, I and L for 1. */
export function normalizeCode(input: string): { tag: string; canonical: string } {
  const cleaned = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (cleaned.length !== TAG_LENGTH + SECRET_LENGTH || [...cleaned].some((c) => !ALPHABET.includes(c))) {
    throw new VoucherCodeError('not a voucher code (24 letters and digits, e.g. ABCD1234-EFGH-JKMN-PQRS-TVWX)');
  }
  return { tag: cleaned.slice(0, TAG_LENGTH), canonical: cleaned };
}

/** What is stored instead of the code: sha256 of its canonical form, hex. */
export const codeHash = (canonical: string): string => createHash('sha256').update(`trunkline-voucher:${canonical}`).digest('hex');
