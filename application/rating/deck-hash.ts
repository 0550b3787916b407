import { createHash } from 'node:crypto';
import type { DeckRow } from '../../core/rating/catalog-events';

/** Rows serialized per hash update: the whole deck as one JSON string would be tens of megabytes. */
const ROWS_PER_UPDATE = 2000;
// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;

/**
 * Content hash of deck rows in a canonical order: the same deck in another file layout is the
 * same deck. It is the SHA-256 of `JSON.stringify` of the rows sorted by prefix then
 * effectiveFrom, and must stay exactly that: every published deck's event carries it, and an
 * import of unchanged content is recognised by it. The sort keys are built once (not in the
 * comparator), and the comparator answers as before, so the order is the same even for ties.
 */
export function deckHash(rows: readonly DeckRow[]): string {
  const keys = rows.map((r) => r.prefix + r.effectiveFrom);
  const order = Array.from(keys, (_, i) => i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : 1));
  const hash = createHash('sha256').update('[');
  for (let from = 0; from < order.length; from += ROWS_PER_UPDATE) {
    const part = JSON.stringify(order.slice(from, from + ROWS_PER_UPDATE).map((i) => rows[i]));
    // "[a,b]" of each slice joined with commas is "[…]" of the whole
    const text = from === 0 ? part.slice(1, -1) : `,${part.slice(1, -1)}`;
    // ASCII is the same bytes in latin1 as in UTF-8, and latin1 is copied where UTF-8 is encoded
    hash.update(text, ASCII.test(text) ? 'latin1' : 'utf8');
  }
  return hash.update(']').digest('hex');
}
