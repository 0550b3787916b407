import { createHash } from 'node:crypto';
import { deckHash } from '../../../application/rating/deck-hash';
import type { DeckRow } from '../../../core/rating/catalog-events';
import { seeded } from '../../support/random';

/** The hash as published decks carry it: SHA-256 of the JSON of the rows sorted in one go. */
function publishedHash(rows: readonly DeckRow[]): string {
  const sorted = [...rows].sort((a, b) => (a.prefix + a.effectiveFrom < b.prefix + b.effectiveFrom ? -1 : 1));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

function randomDeck(seed: number, size: number, accent = ''): DeckRow[] {
  const rnd = seeded(seed);
  const prefixes = Array.from({ length: Math.max(1, Math.ceil(size / 3)) }, () => rnd.digits(rnd.int(1, 7)));
  return Array.from({ length: size }, () => ({
    prefix: rnd.pick(prefixes),
    destination: `Zone "${rnd.digits(2)}"${rnd.next() < 0.01 ? accent : ''}`,
    rate: `0.${rnd.digits(4)}`,
    initial: rnd.pick([1, 30, 60]),
    subsequent: rnd.pick([1, 6, 60]),
    connectFee: rnd.pick(['0', '0.01']),
    minimum: rnd.int(0, 30),
    effectiveFrom: `2026-0${rnd.int(1, 3)}-01T00:00:00.000Z`,
    effectiveTo: rnd.pick([null, '2027-01-01T00:00:00.000Z']),
  }));
}

describe('deckHash', () => {
  it.each([0, 1, 2, 1999, 2000, 2001, 4001, 9000])('equals the published hash for %i rows, ties and non-ASCII text included', (size) => {
    for (const [seed, accent] of [
      [1, ''],
      [2, ' é'],
      [3, ' 東京'],
    ] as const) {
      const rows = randomDeck(seed * 1000 + size, size, accent);
      expect(deckHash(rows)).toBe(publishedHash(rows));
    }
  });

  it('equals the published hash for distinct keys of every length, one the beginning of another', () => {
    for (const seed of [1, 2, 3]) {
      const rows = randomDeck(seed, 3000);
      const distinct = [...new Map(rows.map((r) => [r.prefix + r.effectiveFrom, r])).values()];
      // "44" + date sorts after "441" + date: the key is the two strings joined, not a pair
      const nested = [...distinct, { ...distinct[0]!, prefix: '44' }, { ...distinct[0]!, prefix: '441' }, { ...distinct[0]!, prefix: '4' }];
      const dated = nested.map((r, i) => (i % 7 === 0 ? { ...r, effectiveFrom: '2026-03-01T12:30:00.000+01:00' } : r));
      const unique = [...new Map(dated.map((r) => [r.prefix + r.effectiveFrom, r])).values()];
      expect(unique.length).toBeGreaterThan(900);
      expect(deckHash(unique)).toBe(publishedHash(unique));
      expect(deckHash([...unique].reverse())).toBe(publishedHash(unique));
    }
  });

  it('equals the published hash when keys are long or not ASCII', () => {
    const rows = randomDeck(5, 500);
    const distinct = [...new Map(rows.map((r) => [r.prefix + r.effectiveFrom, r])).values()];
    const long = distinct.map((r, i) => ({ ...r, prefix: `${r.prefix}${'9'.repeat(i % 3 === 0 ? 50 : 0)}` }));
    const wide = distinct.map((r, i) => ({ ...r, effectiveFrom: `${['', 'é', 'ü', '東'][i % 4]}${r.effectiveFrom}` }));
    for (const deck of [long, wide]) expect(deckHash(deck)).toBe(publishedHash(deck));
  });

  it('equals the published hash for rows that are not shaped as deck rows', () => {
    const rows = randomDeck(9, 50);
    const unshaped = [
      ...rows,
      { ...rows[0]!, effectiveFrom: null },
      { ...rows[1]!, prefix: 44 },
      { ...rows[2]!, effectiveFrom: undefined },
    ] as unknown as DeckRow[];
    expect(deckHash(unshaped)).toBe(publishedHash(unshaped));
  });

  it('is the same for the same rows in another order, and differs when a row changes', () => {
    const rows = randomDeck(7, 3000);
    const unique = [...new Map(rows.map((r) => [r.prefix + r.effectiveFrom, r])).values()];
    expect(deckHash([...unique].reverse())).toBe(deckHash(unique));
    expect(deckHash([{ ...unique[0]!, rate: '9.9' }, ...unique.slice(1)])).not.toBe(deckHash(unique));
  });
});
