import { gsm7Encode, gsm7Septets } from './gsm7';

export type SmsEncoding = 'GSM-7' | 'UCS-2';

/** Units a segment carries: septets for GSM-7, UTF-16 code units for UCS-2; less when concatenated (the UDH takes 6 octets). */
const CAPACITY = {
  'GSM-7': { single: 160, concatenated: 153 },
  'UCS-2': { single: 70, concatenated: 67 },
} as const;

export interface Segmentation {
  readonly encoding: SmsEncoding;
  readonly segments: number;
  /** User-perceived characters (grapheme clusters): 👍🏽 is one character, two code points, four UCS-2 units. */
  readonly characters: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) the text takes. */
  readonly units: number;
  /** The text of each segment: an escape sequence, a surrogate pair or a grapheme cluster is never cut in two. */
  readonly parts: readonly string[];
}

/** What a character (a grapheme cluster) costs in the chosen encoding: septets of each code point, or UTF-16 units. */
const unitsOf = (encoding: SmsEncoding, ch: string): number =>
  encoding === 'GSM-7' ? [...ch].reduce((sum, cp) => sum + gsm7Septets(cp)!, 0) : ch.length;

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

function gsmClusters(codePoints: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < codePoints.length; i++) {
    if (codePoints[i] === '\r' && codePoints[i + 1] === '\n') {
      out.push('\r\n');
      i++;
    } else out.push(codePoints[i]!);
  }
  return out;
}

/**
 * Splits a text the way handsets and SMSCs do (3GPP TS 23.038 / 23.040): GSM-7 when every
 * character is in the default alphabet or its extension table, UCS-2 otherwise; one segment up to
 * 160 septets / 70 units, else 153 / 67 per segment, never splitting a character (a grapheme
 * cluster: its escape sequences and surrogate pairs with it).
 */
export function segment(text: string): Segmentation {
  const codePoints = [...text];
  const encoding: SmsEncoding = codePoints.every((cp) => gsm7Septets(cp) !== null) ? 'GSM-7' : 'UCS-2';
  // grapheme clusters, as handsets and Twilio's calculator split: 👍🏽 or 🇬🇧 never straddle two segments.
  // In GSM-7 the only cluster of two code points is CR LF, so the (slow) segmenter serves UCS-2 only.
  const chars = encoding === 'GSM-7' ? gsmClusters(codePoints) : Array.from(graphemes.segment(text), (g) => g.segment);
  const units = chars.reduce((sum, ch) => sum + unitsOf(encoding, ch), 0);
  const capacity = CAPACITY[encoding];
  if (units <= capacity.single) return { encoding, segments: chars.length === 0 ? 0 : 1, characters: chars.length, units, parts: [text] };
  const parts: string[] = [];
  let current = '';
  let used = 0;
  for (const ch of chars) {
    const cost = unitsOf(encoding, ch);
    if (used + cost > capacity.concatenated) {
      parts.push(current);
      current = '';
      used = 0;
    }
    current += ch;
    used += cost;
  }
  parts.push(current);
  return { encoding, segments: parts.length, characters: chars.length, units, parts };
}

/** One segment's payload: unpacked septets (one octet each, as SMPP's data_coding 0 carries them) or UCS-2 big-endian. */
export function encodePart(encoding: SmsEncoding, part: string): Uint8Array {
  if (encoding === 'GSM-7') return Uint8Array.from([...part].flatMap((ch) => [...gsm7Encode(ch)]));
  const out = new Uint8Array(part.length * 2);
  for (let i = 0; i < part.length; i++) {
    const unit = part.charCodeAt(i);
    out[2 * i] = unit >> 8;
    out[2 * i + 1] = unit & 0xff;
  }
  return out;
}
