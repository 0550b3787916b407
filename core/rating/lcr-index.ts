import type { CompiledDeck } from './deck';
import { buildPrefixTrie } from './prefix-trie';

/**
 * One trie over the prefixes of every carrier, each node holding each carrier's prefix group
 * (or -1): LCR walks the dialled digits once and reads every carrier's longest match on the way,
 * instead of walking one trie per carrier (five walks are five times the cache misses).
 */
export interface LcrIndex {
  readonly decks: readonly CompiledDeck[];
  /** Longest match per carrier for `digits`, written into `out` (length = decks.length). */
  match(digits: string, out: Int32Array): void;
}

export function buildLcrIndex(decks: readonly CompiledDeck[]): LcrIndex {
  const k = decks.length;
  const union = new Map<string, number>();
  for (const d of decks) for (const p of d.prefixes) if (!union.has(p)) union.set(p, union.size);
  const unionPrefixes = [...union.keys()];
  // groups[u * k + j]: carrier j's group for union prefix u (only exact prefixes; the walk keeps the deepest)
  const groups = new Int32Array(unionPrefixes.length * k).fill(-1);
  decks.forEach((d, j) => d.prefixes.forEach((p, g) => (groups[union.get(p)! * k + j] = g)));
  const trie = buildPrefixTrie(union);
  return {
    decks,
    match(digits, out) {
      out.fill(-1, 0, k);
      // prefixes come shortest first, so a deeper match overwrites a shorter one
      trie.forEachPrefix(digits, (u) => {
        for (let j = 0; j < k; j++) {
          const g = groups[u * k + j]!;
          if (g >= 0) out[j] = g;
        }
      });
    },
  };
}
