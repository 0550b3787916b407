import { basename } from 'node:path';
import type { DeckRow } from '../../../core/rating/catalog-events';
import { firstValues } from '../../../core/rating/prefix-trie';
import { forEachCsvRecord } from '../../../adapters/csv/read-csv';
import type { RowError } from '../../../core/imports/row-error';
import type { DeckParseResult } from '../../../application/ports/importers';
import { CellError } from './cells';
import { deckRowReader } from './deck-row';
import { columnIndexes, type Column, type Mapping } from './mapping';

export type { DeckParseResult };

/**
 * Reads a wholesale deck with a column mapping. Every bad cell is an error naming file, line,
 * column and reason; the caller decides whether errors stop the import. Rates are normalized
 * to a price per minute (exact: a per-second rate times 60).
 */
export async function parseWholesaleDeck(
  file: string,
  mapping: Mapping,
  carrierCurrency: string,
  onProgress?: (records: number) => void,
): Promise<DeckParseResult> {
  const rows: DeckRow[] = [];
  const errors: RowError[] = [];
  /** The line each prefix was first read on, by effective date: a digit trie, no key built, no map of strings. */
  const seen = new Map<string, ReturnType<typeof firstValues>>();
  const name = basename(file);
  let indexes: Map<Column, number> | null = mapping.header ? null : columnIndexes(mapping, null);
  let records = 0;
  let rowOf: ReturnType<typeof deckRowReader> | null = null;
  await forEachCsvRecord(file, mapping.delimiter, (record) => {
    if ('error' in record) {
      errors.push({ file: name, line: record.line, reason: record.error });
      return;
    }
    if (!indexes) {
      indexes = columnIndexes(mapping, record.fields);
      return;
    }
    records++;
    if (records % 50_000 === 0) onProgress?.(records);
    rowOf ??= deckRowReader(mapping, indexes, carrierCurrency);
    try {
      const row = rowOf(record.fields);
      let lines = seen.get(row.effectiveFrom);
      if (lines === undefined) seen.set(row.effectiveFrom, (lines = firstValues()));
      const earlier = lines.putIfAbsent(row.prefix, record.line);
      if (earlier !== -1)
        throw new CellError('prefix', `${row.prefix} effective ${row.effectiveFrom} appears twice (first on line ${earlier})`);
      rows.push(row);
    } catch (error) {
      if (!(error instanceof CellError)) throw error;
      errors.push({ file: name, line: record.line, column: error.column, reason: error.message });
    }
  });
  if (!indexes) errors.push({ file: name, line: 1, reason: 'the file is empty: no header' });
  onProgress?.(records);
  return { rows, errors, records };
}
