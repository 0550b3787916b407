import { createHash } from 'node:crypto';
import type { DeckRow } from '../../core/rating/catalog-events';

/**
 * Rows serialized per hash update: the whole deck as one JSON string would be tens of megabytes,
 * and a string over about 128 KiB costs the hash a fresh memory mapping to encode, which costs
 * more than the SHA-256 itself; 250 rows stay well under it.
 */
const ROWS_PER_UPDATE = 250;

/** A deck's rows in its canonical order, and its content hash (deckHash). */
export interface CanonicalDeck {
  readonly rows: readonly DeckRow[];
  readonly sha256: string;
}

/**
 * Content hash of deck rows in a canonical order: the same deck in another file layout is the
 * same deck. It is the SHA-256 of `JSON.stringify` of the rows sorted by prefix then
 * effectiveFrom (the two strings joined, compared with `<`), and must stay exactly that: every
 * published deck's event carries it, and an import of unchanged content is recognised by it.
 */
export function deckHash(rows: readonly DeckRow[]): string {
  return canonicalDeck(rows).sha256;
}

/**
 * The rows in the hash's order with the hash: a deck published in this order is stored in key
 * order, so the lookup reads its table sequentially rather than jumping across the file.
 */
export function canonicalDeck(rows: readonly DeckRow[]): CanonicalDeck {
  const order = canonicalOrder(rows);
  const sorted = order.map((i) => rows[i]!);
  const hash = createHash('sha256').update('[');
  for (let from = 0; from < sorted.length; from += ROWS_PER_UPDATE) {
    const part = JSON.stringify(sorted.slice(from, from + ROWS_PER_UPDATE));
    // "[a,b]" of each slice joined with commas is "[…]" of the whole
    if (from > 0) hash.update(',');
    hash.update(part.slice(1, -1));
  }
  return { rows: sorted, sha256: hash.update(']').digest('hex') };
}

/**
 * Row indices in the order of `prefix + effectiveFrom` under `<`. A stable radix sort gives it
 * in linear time when the keys are ASCII and distinct; with equal keys (or wider characters) the
 * comparator sort the hash was first defined with decides, because how it orders ties is part of
 * the published hashes.
 */
function canonicalOrder(rows: readonly DeckRow[]): number[] {
  return radixOrder(rows) ?? comparatorOrder(rows);
}

function comparatorOrder(rows: readonly DeckRow[]): number[] {
  const keys = rows.map((r) => r.prefix + r.effectiveFrom);
  return Array.from(keys, (_, i) => i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : 1));
}

/** Above this key length the byte table would be large for little gain: the comparator sorts. */
const MAX_RADIX_KEY = 64;

/**
 * LSD radix sort of the keys as bytes (code unit + 1; 0 pads a shorter key, so a key sorts before
 * every longer key it begins: `<` on strings). Null when a key is not two strings, not ASCII, too
 * long, or two keys are equal.
 */
function radixOrder(rows: readonly DeckRow[]): number[] | null {
  const n = rows.length;
  let width = 0;
  for (let i = 0; i < n; i++) {
    const row: Partial<DeckRow> | undefined = rows[i];
    // a row not shaped as a deck row (a hole, a date missing) is joined as `+` would: the comparator's
    if (typeof row?.prefix !== 'string' || typeof row.effectiveFrom !== 'string') return null;
    width = Math.max(width, row.prefix.length + row.effectiveFrom.length);
  }
  if (width > MAX_RADIX_KEY) return null;
  const bytes = new Uint8Array(n * width);
  for (let i = 0; i < n; i++) {
    const { prefix, effectiveFrom } = rows[i]!;
    let at = i * width;
    for (const text of [prefix, effectiveFrom]) {
      for (let c = 0; c < text.length; c++) {
        const unit = text.charCodeAt(c);
        if (unit > 0x7e) return null;
        bytes[at++] = unit + 1;
      }
    }
  }
  let order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let next = new Int32Array(n);
  const counts = new Int32Array(129);
  for (let position = width - 1; position >= 0; position--) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[bytes[i * width + position]! + 1]!++;
    if (counts[bytes[position]! + 1] === n) continue; // every key has the same byte here
    for (let b = 1; b < 129; b++) counts[b]! += counts[b - 1]!;
    for (let i = 0; i < n; i++) {
      const row = order[i]!;
      next[counts[bytes[row * width + position]!]!++] = row;
    }
    [order, next] = [next, order];
  }
  for (let i = 1; i < n; i++) if (sameKey(bytes, width, order[i - 1]!, order[i]!)) return null;
  return Array.from(order);
}

function sameKey(bytes: Uint8Array, width: number, a: number, b: number): boolean {
  for (let c = 0; c < width; c++) if (bytes[a * width + c] !== bytes[b * width + c]) return false;
  return true;
}
