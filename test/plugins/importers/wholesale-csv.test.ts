import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_MAPPING, loadMapping, mappingSchema } from '../../../plugins/importers/wholesale-csv/mapping';
import { parseWholesaleDeck } from '../../../plugins/importers/wholesale-csv/parse';

const dir = mkdtempSync(join(tmpdir(), 'trunkline-deck-'));
const HEADER = 'prefix,destination,rate,initial,subsequent,connect_fee,effective_from,effective_to,minimum,currency';
const full = mappingSchema.parse({
  columns: {
    prefix: 'prefix',
    destination: 'destination',
    rate: 'rate',
    initial: 'initial',
    subsequent: 'subsequent',
    connectFee: 'connect_fee',
    effectiveFrom: 'effective_from',
    effectiveTo: 'effective_to',
    minimum: 'minimum',
    currency: 'currency',
  },
});

async function parse(lines: string[], mapping = full) {
  const file = join(dir, `deck-${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(file, [HEADER, ...lines].join('\n'));
  return parseWholesaleDeck(file, mapping, 'EUR');
}

describe('wholesale CSV importer', () => {
  test('reads a good row, normalizing + and dates', async () => {
    const r = await parse(['+44,UK,0.0100,30,6,0.01,2026-01-01,2026-12-31T12:00:00Z,30,eur']);
    expect(r.errors).toEqual([]);
    expect(r.rows).toEqual([
      {
        prefix: '44',
        destination: 'UK',
        rate: '0.0100',
        initial: 30,
        subsequent: 6,
        connectFee: '0.01',
        minimum: 30,
        effectiveFrom: '2026-01-01T00:00:00.000Z',
        effectiveTo: '2026-12-31T12:00:00.000Z',
      },
    ]);
  });

  test.each([
    ['prefix', 'x44,UK,0.01,60,60,0,2026-01-01,,0,EUR', /not a dial code/],
    ['prefix', ',UK,0.01,60,60,0,2026-01-01,,0,EUR', /not a dial code/],
    ['rate', '44,UK,,60,60,0,2026-01-01,,0,EUR', /missing/],
    ['rate', '44,UK,1e-3,60,60,0,2026-01-01,,0,EUR', /not a non-negative decimal/],
    ['initial', '44,UK,0.01,0,60,0,2026-01-01,,0,EUR', /at least 1/],
    ['initial', '44,UK,0.01,1.5,60,0,2026-01-01,,0,EUR', /whole number of seconds/],
    ['subsequent', '44,UK,0.01,60,-6,0,2026-01-01,,0,EUR', /whole number of seconds/],
    ['connectFee', '44,UK,0.01,60,60,abc,2026-01-01,,0,EUR', /not a non-negative decimal/],
    ['effectiveFrom', '44,UK,0.01,60,60,0,01/02/2026,,0,EUR', /not a date/],
    ['effectiveTo', '44,UK,0.01,60,60,0,2026-02-01,2026-01-01,0,EUR', /ends .* before it starts/],
    ['effectiveTo', '44,UK,0.01,60,60,0,2026-02-01,soon,0,EUR', /not a date/],
    ['minimum', '44,UK,0.01,60,60,0,2026-01-01,,x,EUR', /whole number of seconds/],
    ['currency', '44,UK,0.01,60,60,0,2026-01-01,,0,USD', /USD differs from the carrier's currency EUR/],
  ])('a bad %s is reported with file, line and column', async (column, line, reason) => {
    const r = await parse(['1,ok,0.01,60,60,0,2026-01-01,,0,EUR', line]);
    expect(r.rows).toHaveLength(1);
    expect(r.errors).toEqual([{ file: expect.stringMatching(/^deck-.*\.csv$/), line: 3, column, reason: expect.stringMatching(reason) }]);
  });

  test('a short row, an unterminated quote and a duplicate are errors too', async () => {
    const r = await parse([
      '44',
      '"45,DK,0.01,60,60,0,2026-01-01,,0,EUR',
      '46,SE,0.01,60,60,0,2026-01-01,,0,EUR',
      '46,SE,0.02,60,60,0,2026-01-01,,0,EUR',
    ]);
    expect(r.errors.map((e) => [e.line, e.column ?? null])).toEqual([
      [2, 'rate'],
      [3, null],
      [5, 'prefix'],
    ]);
  });

  test('a prefix twice on one date names the line it was first on; its extensions and other dates are not repeats', async () => {
    const r = await parse([
      '46,SE,0.01,60,60,0,2026-01-01,,0,EUR',
      '460,SE,0.01,60,60,0,2026-01-01,,0,EUR',
      '4,X,0.01,60,60,0,2026-01-01,,0,EUR',
      '46,SE,0.01,60,60,0,2026-02-01,,0,EUR',
      '+460,SE,0.03,60,60,0,2026-01-01,,0,EUR',
      '46,SE,0.02,60,60,0,2026-02-01T00:00:00Z,,0,EUR',
      '4,X,0.01,60,60,0,2026-01-01,,0,EUR',
    ]);
    expect(r.errors.map((e) => [e.line, e.reason])).toEqual([
      [6, '460 effective 2026-01-01T00:00:00.000Z appears twice (first on line 3)'],
      [7, '46 effective 2026-02-01T00:00:00.000Z appears twice (first on line 5)'],
      [8, '4 effective 2026-01-01T00:00:00.000Z appears twice (first on line 4)'],
    ]);
    expect(r.rows.map((row) => `${row.prefix}@${row.effectiveFrom.slice(0, 7)}`)).toEqual([
      '46@2026-01',
      '460@2026-01',
      '4@2026-01',
      '46@2026-02',
    ]);
  });

  test('the built-in mapping reads the plain deck; a mapping naming a missing column is refused', async () => {
    const file = join(dir, 'plain.csv');
    writeFileSync(file, 'prefix,destination,rate,initial,subsequent,connect_fee,effective_from\n49,DE,0.011,1,1,0,2026-01-01\n');
    expect((await parseWholesaleDeck(file, BUILTIN_MAPPING, 'EUR')).rows[0]).toMatchObject({ prefix: '49', rate: '0.011' });
    const bad = mappingSchema.parse({ columns: { prefix: 'Code', rate: 'rate' } });
    await expect(parseWholesaleDeck(file, bad, 'EUR')).rejects.toThrow(/the header has no column "Code"/);
    const mappingFile = join(dir, 'm.json');
    writeFileSync(mappingFile, JSON.stringify({ columns: { rate: 'x' } }));
    expect(() => loadMapping(mappingFile)).toThrow(/columns.prefix/);
  });
});
