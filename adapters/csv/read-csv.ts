import { readLines } from './read-lines';

export interface CsvRecord {
  /** 1-based line number in the file, for error messages. */
  readonly line: number;
  readonly fields: readonly string[];
}

export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';
}

/** Splits one CSV line (RFC 4180 quoting; a quoted field may not span lines in a rate deck). */
export function splitCsvLine(text: string, delimiter = ','): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q === -1) throw new CsvSyntaxError('unterminated quoted field');
        value += text.slice(i, q);
        if (text[q + 1] === '"') {
          value += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      fields.push(value);
      if (i >= text.length) return fields;
      if (text[i] !== delimiter) throw new CsvSyntaxError(`unexpected character after a quoted field: ${JSON.stringify(text[i])}`);
      i++;
    } else {
      const d = text.indexOf(delimiter, i);
      if (d === -1) {
        fields.push(text.slice(i).trim());
        return fields;
      }
      fields.push(text.slice(i, d).trim());
      i = d + 1;
    }
  }
}

export type CsvLine = CsvRecord | { readonly line: number; readonly error: string };

/** Line `line` of a file as a record, a syntax error, or null for a blank or `#` comment line. */
function recordOf(raw: string, line: number, delimiter: string): CsvLine | null {
  const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
  if (text.trim() === '' || text.startsWith('#')) return null;
  try {
    return { line, fields: splitCsvLine(text, delimiter) };
  } catch (error) {
    return { line, error: (error as Error).message };
  }
}

/**
 * A CSV file's records, a chunk of lines at a time: `visit` sees each record synchronously (no
 * promise per row), the event loop runs between chunks. Blank lines and `#` comment lines are
 * skipped; line numbers count them.
 */
export async function forEachCsvRecord(path: string, delimiter: string, visit: (record: CsvLine) => void): Promise<void> {
  let line = 0;
  for await (const lines of readLines(path)) {
    for (const raw of lines) {
      const record = recordOf(raw, ++line, delimiter);
      if (record) visit(record);
    }
  }
}

/** Streams a CSV file's records, as forEachCsvRecord sees them. */
export async function* readCsv(path: string, delimiter = ','): AsyncGenerator<CsvLine> {
  let line = 0;
  for await (const lines of readLines(path)) {
    for (const raw of lines) {
      const record = recordOf(raw, ++line, delimiter);
      if (record) yield record;
    }
  }
}
