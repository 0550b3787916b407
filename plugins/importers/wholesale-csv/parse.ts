import { basename } from 'node:path';
import { Decimal } from '../../../core/money';
import type { DeckRow } from '../../../core/rating/catalog-events';
import { readCsv } from '../../../adapters/csv/read-csv';
import type { RowError } from '../../../core/imports/row-error';
import type { DeckParseResult } from '../../../application/ports/importers';
import { columnIndexes, type Column, type Mapping } from './mapping';

const DECIMAL = /^(0|[1-9]\d*)(\.\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ALWAYS = '1970-01-01T00:00:00.000Z';

export type { DeckParseResult };

type ColumnAt = { readonly [C in Column]?: number };

class CellError extends Error {
  constructor(
    readonly column: Column,
    message: string,
  ) {
    super(message);
  }
}

/** `instant` remembering its last answer: a deck's dates repeat row after row. */
function lastInstant(): (column: Column, text: string) => string {
  let lastText: string | null = null;
  let lastIso = '';
  return (column, text) => {
    if (text !== lastText) {
      lastIso = instant(column, text);
      lastText = text;
    }
    return lastIso;
  };
}

function instant(column: Column, text: string): string {
  const t = text.trim();
  const ms = DATE.test(t) ? Date.parse(`${t}T00:00:00Z`) : /^\d{4}-\d{2}-\d{2}T/.test(t) ? Date.parse(t) : NaN;
  if (Number.isNaN(ms)) throw new CellError(column, `not a date (YYYY-MM-DD or an ISO-8601 instant): ${JSON.stringify(text)}`);
  return new Date(ms).toISOString();
}

function seconds(column: Column, text: string, min: number): number {
  if (!/^\d+$/.test(text.trim())) throw new CellError(column, `not a whole number of seconds: ${JSON.stringify(text)}`);
  const n = Number(text.trim());
  if (n < min) throw new CellError(column, `must be at least ${min}: ${text}`);
  return n;
}

function decimal(column: Column, text: string): string {
  const t = text.trim();
  if (!DECIMAL.test(t)) throw new CellError(column, `not a non-negative decimal number: ${JSON.stringify(text)}`);
  return t;
}

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
  const seen = new Map<string, number>();
  const name = basename(file);
  let indexes: Map<Column, number> | null = mapping.header ? null : columnIndexes(mapping, null);
  let records = 0;
  /** The mapped columns' field indexes as a plain record, read on every cell. */
  let at: ColumnAt | null = null;
  const from = lastInstant();
  const to = lastInstant();
  for await (const record of readCsv(file, mapping.delimiter)) {
    if ('error' in record) {
      errors.push({ file: name, line: record.line, reason: record.error });
      continue;
    }
    if (!indexes) {
      indexes = columnIndexes(mapping, record.fields);
      continue;
    }
    records++;
    if (records % 50_000 === 0) onProgress?.(records);
    if (at === null) at = Object.fromEntries(indexes) as ColumnAt;
    const fields = record.fields;
    const cell = (c: Column): string | undefined => {
      const i = at![c];
      return i === undefined ? undefined : fields[i];
    };
    try {
      const prefixText = cell('prefix');
      if (prefixText === undefined)
        throw new CellError('prefix', `the row has ${record.fields.length} fields; the prefix column is missing`);
      const prefix = prefixText.trim().replace(/^\+/, '');
      if (!/^\d{1,20}$/.test(prefix)) throw new CellError('prefix', `not a dial code of 1 to 20 digits: ${JSON.stringify(prefixText)}`);
      const rateText = cell('rate');
      if (rateText === undefined || rateText.trim() === '') throw new CellError('rate', 'missing');
      const rate = decimal('rate', rateText);
      const initialText = cell('initial');
      const subsequentText = cell('subsequent');
      const feeText = cell('connectFee');
      const minimumText = cell('minimum');
      const fromText = cell('effectiveFrom');
      const toText = cell('effectiveTo');
      const currencyText = cell('currency');
      if (currencyText !== undefined && currencyText.trim() !== '' && currencyText.trim().toUpperCase() !== carrierCurrency) {
        throw new CellError('currency', `${currencyText.trim()} differs from the carrier's currency ${carrierCurrency}`);
      }
      const effectiveFrom = fromText && fromText.trim() !== '' ? from('effectiveFrom', fromText) : ALWAYS;
      const effectiveTo = toText && toText.trim() !== '' ? to('effectiveTo', toText) : null;
      if (effectiveTo !== null && effectiveTo <= effectiveFrom)
        throw new CellError('effectiveTo', `ends (${effectiveTo}) before it starts (${effectiveFrom})`);
      const row: DeckRow = {
        prefix,
        destination: (cell('destination') ?? '').trim(),
        rate: mapping.ratePer === 'second' ? new Decimal(rate).times(60).toFixed() : rate,
        initial: initialText && initialText.trim() !== '' ? seconds('initial', initialText, 1) : mapping.defaults.initial,
        subsequent: subsequentText && subsequentText.trim() !== '' ? seconds('subsequent', subsequentText, 1) : mapping.defaults.subsequent,
        connectFee: feeText && feeText.trim() !== '' ? decimal('connectFee', feeText) : mapping.defaults.connectFee,
        minimum: minimumText && minimumText.trim() !== '' ? seconds('minimum', minimumText, 0) : mapping.defaults.minimum,
        effectiveFrom,
        effectiveTo,
      };
      const key = `${prefix}@${effectiveFrom}`;
      const earlier = seen.get(key);
      if (earlier !== undefined)
        throw new CellError('prefix', `${prefix} effective ${effectiveFrom} appears twice (first on line ${earlier})`);
      seen.set(key, record.line);
      rows.push(row);
    } catch (error) {
      if (!(error instanceof CellError)) throw error;
      errors.push({ file: name, line: record.line, column: error.column, reason: error.message });
    }
  }
  if (!indexes) errors.push({ file: name, line: 1, reason: 'the file is empty: no header' });
  onProgress?.(records);
  return { rows, errors, records };
}
