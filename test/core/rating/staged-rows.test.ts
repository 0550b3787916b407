import { UnknownEventError } from '../../../core/events/codec';
import { catalogCodec, fromStagedRow, toStagedRow, type DeckRow } from '../../../core/rating/catalog-events';
import { carrierDecider } from '../../../core/rating/carrier-decider';
import { seeded } from '../../support/random';

function rows(seed: number, n: number): DeckRow[] {
  const rnd = seeded(seed);
  return Array.from({ length: n }, (_, i) => ({
    prefix: `${i}${rnd.digits(rnd.int(1, 5))}`,
    destination: rnd.pick(['UK', 'Zóna "2"', '']),
    rate: `0.${rnd.digits(rnd.int(1, 8))}`,
    initial: rnd.pick([1, 30, 60]),
    subsequent: rnd.pick([1, 6, 60]),
    connectFee: rnd.pick(['0', '0.015']),
    minimum: rnd.int(0, 30),
    effectiveFrom: rnd.pick(['1970-01-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z']),
    effectiveTo: rnd.pick([null, '2027-01-01T00:00:00.000Z']),
  }));
}

const stored = (schemaVersion: number, data: Record<string, unknown>) =>
  ({ id: 'e1', type: 'DeckRowsStaged', schemaVersion, data }) as Parameters<typeof catalogCodec.decode>[0];

describe('staged deck rows', () => {
  test('a row goes into a tuple and comes back field for field, in DeckRow key order', () => {
    for (const row of rows(5, 50)) {
      expect(JSON.stringify(fromStagedRow(toStagedRow(row)))).toBe(JSON.stringify(row));
    }
  });

  test('the decider stages tuples in the current schema version, which the codec accepts', () => {
    const deck = rows(6, 12_000);
    const state = { ...carrierDecider.initialState, registered: true, carrierId: 'big', currency: 'EUR' };
    const events = carrierDecider.decide({ type: 'publish-deck', data: { rows: deck, sha256: 'h', source: 'd.csv' } }, state);
    const staged = events.flatMap((e) => (e.type === 'DeckRowsStaged' ? [e.data] : []));
    expect(staged.map((d) => d.rows.length)).toEqual([5000, 5000, 2000]);
    expect(staged.flatMap((d) => d.rows.map(fromStagedRow))).toEqual(deck);
    for (const d of staged)
      expect(() =>
        catalogCodec.validate({ id: 'e1', type: 'DeckRowsStaged', schemaVersion: catalogCodec.schemaVersionOf('DeckRowsStaged'), data: d }),
      ).not.toThrow();
  });

  test('a chunk written with rows as objects (schema version 1) reads as the same rows', () => {
    const deck = rows(7, 40);
    const e = catalogCodec.decode(stored(1, { carrierId: 'big', version: 3, chunk: 0, rows: deck }));
    expect(e.type).toBe('DeckRowsStaged');
    if (e.type !== 'DeckRowsStaged') return;
    expect(e.data).toMatchObject({ carrierId: 'big', version: 3, chunk: 0 });
    expect(e.data.rows.map(fromStagedRow)).toEqual(deck);
  });

  test.each([
    ['a missing field', { prefix: '44', destination: 'UK', rate: '0.01', initial: 60, subsequent: 60, connectFee: '0', minimum: 0 }],
    ['a prefix that is not digits', { ...rows(8, 1)[0], prefix: '+44' }],
    ['a rate that is not a decimal', { ...rows(8, 1)[0], rate: '1e-3' }],
    ['a row that is not an object', 'x'],
  ])('a version-1 chunk with %s is refused as before', (_, row) => {
    expect(() => catalogCodec.decode(stored(1, { carrierId: 'big', version: 1, chunk: 0, rows: [row] }))).toThrow(UnknownEventError);
  });

  const good = toStagedRow(rows(9, 1)[0]!);
  const bad = (i: number, value: unknown) => good.map((v, k) => (k === i ? value : v));
  test.each([
    ['not an array', { prefix: '44' }, /rows\.0: a deck row is an array of its 9 fields/],
    ['a field short', good.slice(0, 8), /rows\.0: a deck row is an array/],
    ['a prefix with a +', bad(0, '+44'), /rows\.0: prefix: digits/],
    ['a prefix of 21 digits', bad(0, '1'.repeat(21)), /prefix: digits/],
    ['a destination that is a number', bad(1, 44), /destination: a string/],
    ['a rate in exponent form', bad(2, '1e-3'), /rate: a decimal string/],
    ['an initial increment of 0', bad(3, 0), /initial: a whole number ≥ 1/],
    ['a subsequent increment of 1.5', bad(4, 1.5), /subsequent: a whole number ≥ 1/],
    ['a connect fee as a number', bad(5, 0), /connectFee: a decimal string/],
    ['a minimum below 0', bad(6, -1), /minimum: a whole number ≥ 0/],
    ['no effective date', bad(7, null), /effectiveFrom: a string/],
    ['an end as a number', bad(8, 5), /effectiveTo: a string or null/],
  ])('a staged row with %s is refused at append, naming the field', (_, row, reason) => {
    const data = { carrierId: 'big', version: 1, chunk: 0, rows: [toStagedRow(rows(10, 1)[0]!), row] };
    expect(() => catalogCodec.validate({ id: 'e1', type: 'DeckRowsStaged', schemaVersion: 2, data } as never)).toThrow(
      new RegExp(reason.source.replace('rows\\.0', 'rows\\.1')),
    );
  });

  test('appending a chunk in the old shape is refused: writers write the current one', () => {
    expect(() =>
      catalogCodec.validate({
        id: 'e1',
        type: 'DeckRowsStaged',
        schemaVersion: 1,
        data: { carrierId: 'big', version: 1, chunk: 0, rows: [] },
      }),
    ).toThrow(/schema version 1, not the current 2/);
  });
});
