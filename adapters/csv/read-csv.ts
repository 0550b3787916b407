import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

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

/** Streams a CSV file's records; blank lines and `#` comment lines are skipped. */
export async function* readCsv(path: string, delimiter = ','): AsyncGenerator<CsvRecord | { line: number; error: string }> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const raw of lines) {
    line++;
    const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim() === '' || text.startsWith('#')) continue;
    try {
      yield { line, fields: splitCsvLine(text, delimiter) };
    } catch (error) {
      yield { line, error: (error as Error).message };
    }
  }
}
