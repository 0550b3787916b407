/**
 * A digit trie in flat typed arrays: ten child slots per node and one value per node, so a
 * lookup is at most one array read per dialled digit and a 250,000-prefix deck is a few
 * megabytes, not a million objects. Immutable once built: a new deck builds a new trie and the
 * reference is swapped, so a lookup never sees a half-loaded deck.
 */
export interface PrefixTrie {
  readonly size: number;
  readonly nodes: number;
  /** The value of the longest prefix of `digits` that is in the trie, or -1. */
  longest(digits: string): number;
  /** Both in one walk: value × 64 + length, or -1 (lengths are at most 20). */
  longestPacked(digits: string): number;
  /** Every prefix of `digits` in the trie, shortest first, in one walk: `visit(value, length)`. */
  forEachPrefix(digits: string, visit: (value: number, length: number) => void): void;
  /** Bytes held by the arrays. */
  readonly bytes: number;
}

export class PrefixError extends Error {
  override readonly name = 'PrefixError';
}

/** 1 to 20 ASCII digits (what `/^\d{1,20}$/` accepts), without a regular expression per prefix. */
export function isDigits(text: string): boolean {
  if (text.length === 0 || text.length > 20) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Builds a trie from prefix → value (a non-negative integer, usually a row index). Later duplicates win. */
export function buildPrefixTrie(entries: Iterable<readonly [prefix: string, value: number]>): PrefixTrie {
  const builder = trieBuilder();
  for (const [prefix, value] of entries) builder.add(prefix, value);
  return builder.finish();
}

/** A trie over `prefixes` whose values are their indexes, without an entry pair per prefix. */
export function buildIndexTrie(prefixes: readonly string[]): PrefixTrie {
  const builder = trieBuilder();
  for (let i = 0; i < prefixes.length; i++) builder.add(prefixes[i]!, i);
  return builder.finish();
}

/** `capacity`: nodes to start with; the arrays double as they fill. */
function trieBuilder(capacity = 1024) {
  let children = new Int32Array(capacity * 10).fill(-1);
  let values = new Int32Array(capacity).fill(-1);
  let count = 1;
  let size = 0;
  const grow = () => {
    const c = new Int32Array(capacity * 2 * 10).fill(-1);
    c.set(children);
    const v = new Int32Array(capacity * 2).fill(-1);
    v.set(values);
    children = c;
    values = v;
    capacity *= 2;
  };
  /** The node of `prefix`, made with its path if missing. */
  const nodeOf = (prefix: string, value: number) => {
    if (!isDigits(prefix)) throw new PrefixError(`not a digit prefix: ${JSON.stringify(prefix)}`);
    if (!Number.isInteger(value) || value < 0) throw new PrefixError(`trie values must be integers ≥ 0, not ${value}`);
    let node = 0;
    for (let i = 0; i < prefix.length; i++) {
      const slot = node * 10 + (prefix.charCodeAt(i) - 48);
      let next = children[slot]!;
      if (next === -1) {
        if (count === capacity) grow();
        next = count++;
        children[slot] = next;
      }
      node = next;
    }
    return node;
  };
  const add = (prefix: string, value: number) => {
    const node = nodeOf(prefix, value);
    if (values[node] === -1) size += 1;
    values[node] = value;
  };
  /** The value `prefix` already has, or -1 after giving it `value`. */
  const putIfAbsent = (prefix: string, value: number): number => {
    const node = nodeOf(prefix, value);
    const before = values[node]!;
    if (before === -1) {
      size += 1;
      values[node] = value;
    }
    return before;
  };
  return {
    add,
    putIfAbsent,
    capacity: () => capacity,
    finish: () => frozenTrie(children.slice(0, count * 10), values.slice(0, count), size, count),
  };
}

/**
 * A growing set of digit prefixes, each with the first value it was given: what a deck parser
 * needs to name the line a repeated prefix was first on, in typed arrays rather than a map of
 * hundreds of thousands of strings.
 */
export function firstValues(): {
  putIfAbsent(prefix: string, value: number): number;
  /** Nodes its arrays have room for. */
  readonly capacity: number;
} {
  // small at first: a parser keeps one per effective date, and a deck may date every row apart
  const builder = trieBuilder(16);
  return {
    putIfAbsent: builder.putIfAbsent,
    get capacity() {
      return builder.capacity();
    },
  };
}

function frozenTrie(finalChildren: Int32Array, finalValues: Int32Array, size: number, count: number): PrefixTrie {
  return {
    size,
    nodes: count,
    bytes: finalChildren.byteLength + finalValues.byteLength,
    longest(digits) {
      const packed = this.longestPacked(digits);
      return packed < 0 ? -1 : Math.floor(packed / 64);
    },
    forEachPrefix(digits, visit) {
      let node = 0;
      for (let i = 0; i < digits.length; i++) {
        const d = digits.charCodeAt(i) - 48;
        if (d < 0 || d > 9) return;
        node = finalChildren[node * 10 + d]!;
        if (node === -1) return;
        const v = finalValues[node]!;
        if (v !== -1) visit(v, i + 1);
      }
    },
    longestPacked(digits) {
      let node = 0;
      let best = -1;
      for (let i = 0; i < digits.length; i++) {
        const d = digits.charCodeAt(i) - 48;
        if (d < 0 || d > 9) break;
        node = finalChildren[node * 10 + d]!;
        if (node === -1) break;
        const v = finalValues[node]!;
        if (v !== -1) best = v * 64 + i + 1;
      }
      return best;
    },
  };
}
