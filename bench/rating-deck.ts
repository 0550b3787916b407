/** The generated carrier deck bench:rating imports and quotes on. */
import { writeFileSync } from 'node:fs';
import type { DeckRow } from '../core/rating/catalog-events';
import { seeded } from '../test/support/random';

const COUNTRY_CODES = [
  '1',
  '7',
  '20',
  '27',
  '30',
  '31',
  '32',
  '33',
  '34',
  '36',
  '39',
  '40',
  '41',
  '43',
  '44',
  '45',
  '46',
  '47',
  '48',
  '49',
  '51',
  '52',
  '54',
  '55',
  '61',
  '81',
  '86',
  '91',
  '234',
  '254',
  '351',
  '353',
  '358',
  '380',
  '420',
  '880',
  '971',
];

/** `n` distinct prefixes: 1–6 digits after a real country code. */
export function generatePrefixes(n: number, seed: number): string[] {
  const rnd = seeded(seed);
  const out = new Set<string>();
  while (out.size < n) out.add(rnd.pick(COUNTRY_CODES) + rnd.digits(rnd.int(1, 6)));
  return [...out];
}

export function deckRows(prefixes: readonly string[], seed: number): DeckRow[] {
  const rnd = seeded(seed);
  return prefixes.map((prefix) => ({
    prefix,
    destination: `Destination ${prefix.slice(0, 3)}`,
    rate: `0.${rnd.digits(4)}`,
    initial: rnd.pick([1, 30, 60]),
    subsequent: rnd.pick([1, 6, 60]),
    connectFee: '0',
    minimum: 0,
    effectiveFrom: '2026-01-01T00:00:00.000Z',
    effectiveTo: null,
  }));
}

/** The rows as a wholesale CSV deck (the built-in mapping's columns). */
export function writeDeckCsv(file: string, rows: readonly DeckRow[]): void {
  writeFileSync(
    file,
    [
      'prefix,destination,rate,initial,subsequent,connect_fee,effective_from',
      ...rows.map((r) => `${r.prefix},${r.destination},${r.rate},${r.initial},${r.subsequent},0,${r.effectiveFrom.slice(0, 10)}`),
    ].join('\n'),
  );
}
