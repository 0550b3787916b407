import { buildPrefixTrie, firstValues, PrefixError } from '../../../core/rating/prefix-trie';
import { seeded } from '../../support/random';

describe('prefix trie', () => {
  test('finds the longest prefix, not a shorter one', () => {
    const trie = buildPrefixTrie([
      ['44', 0],
      ['447', 1],
      ['4479', 2],
      ['1', 3],
    ]);
    expect(trie.longest('447912345678')).toBe(2);
    expect(trie.longestPacked('447912345678') % 64).toBe(4);
    expect(trie.longest('447112345678')).toBe(1);
    expect(trie.longest('441234')).toBe(0);
    expect(trie.longest('4')).toBe(-1);
    expect(trie.longest('33')).toBe(-1);
    expect(trie.longest('')).toBe(-1);
    expect(trie.size).toBe(4);
  });

  test('refuses what is not a digit prefix', () => {
    expect(() => buildPrefixTrie([['44a', 0]])).toThrow(PrefixError);
    expect(() => buildPrefixTrie([['', 0]])).toThrow(PrefixError);
    expect(() => buildPrefixTrie([['44', -1]])).toThrow(PrefixError);
  });

  test('property: on random decks a lookup equals a brute-force scan for the longest prefix', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rnd = seeded(seed);
      const prefixes = new Map<string, number>();
      const size = rnd.int(1, 2000);
      for (let i = 0; i < size; i++) prefixes.set(rnd.digits(rnd.int(1, 7)), i);
      const trie = buildPrefixTrie(prefixes);
      for (let q = 0; q < 300; q++) {
        const number = rnd.digits(rnd.int(1, 15));
        let best = -1;
        let bestLength = 0;
        for (const [p, v] of prefixes) {
          if (number.startsWith(p) && p.length > bestLength) {
            best = v;
            bestLength = p.length;
          }
        }
        expect([seed, number, trie.longest(number)]).toEqual([seed, number, best]);
        expect(trie.longestPacked(number)).toBe(best < 0 ? -1 : best * 64 + bestLength);
      }
    }
  });
});

describe('firstValues', () => {
  test('keeps the first value of each prefix, whatever shares its digits', () => {
    const first = firstValues();
    expect(first.putIfAbsent('44', 3)).toBe(-1);
    expect(first.capacity).toBeLessThanOrEqual(16); // a parser keeps one per date: each starts small
    expect(first.putIfAbsent('4', 4)).toBe(-1);
    expect(first.putIfAbsent('447', 5)).toBe(-1);
    expect(first.putIfAbsent('44', 6)).toBe(3);
    expect(first.putIfAbsent('4', 0)).toBe(4);
    expect(first.putIfAbsent('447', 7)).toBe(5);
    for (let i = 0; i < 5000; i++) expect(first.putIfAbsent(String(100000 + i), i)).toBe(-1); // grows past its first arrays
    expect(first.putIfAbsent('100042', 1)).toBe(42);
    expect(first.capacity).toBeGreaterThan(5000);
    expect(() => first.putIfAbsent('4a', 1)).toThrow(PrefixError);
  });
});
