import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { parseDecimal } from '../../core/money';
import type { InvoiceLine } from '../../projections/finance/carrier-invoice';
import { readCsv } from './read-csv';
import { formatRowError, type RowError } from '../../core/imports/row-error';

/** Which header names hold what; the defaults fit a plain export. */
export const invoiceMapping = z
  .object({
    callId: z.string().nullable().default('call_id'),
    start: z.string().default('start'),
    number: z.string().default('number'),
    seconds: z.string().default('seconds'),
    cost: z.string().default('cost'),
    delimiter: z.string().length(1).default(','),
  })
  .strict();
export type InvoiceMapping = z.infer<typeof invoiceMapping>;

export class InvoiceRejectedError extends Error {
  override readonly name = 'InvoiceRejectedError';
  constructor(readonly errors: readonly RowError[]) {
    super(
      `${errors.length} bad row(s) in the invoice (first: ${formatRowError(errors[0]!)}); nothing reconciled (fix them, or pass --skip-bad-rows)`,
    );
  }
}

/** Reads a carrier invoice/CDR CSV through a mapping (a JSON file of header names) into lines and row errors. */
export async function readInvoice(file: string, mappingFile?: string): Promise<{ lines: InvoiceLine[]; errors: RowError[] }> {
  const m = invoiceMapping.parse(mappingFile ? JSON.parse(readFileSync(mappingFile, 'utf8')) : {});
  const name = basename(file);
  const lines: InvoiceLine[] = [];
  const errors: RowError[] = [];
  let index: Map<string, number> | null = null;
  for await (const rec of readCsv(file, m.delimiter)) {
    if ('error' in rec) {
      errors.push({ file: name, line: rec.line, reason: rec.error });
      continue;
    }
    if (!index) {
      index = new Map(rec.fields.map((h, i) => [h.trim(), i]));
      for (const col of [m.start, m.number, m.seconds, m.cost, ...(m.callId ? [m.callId] : [])])
        if (!index.has(col)) throw new Error(`${name}: no column ${JSON.stringify(col)} in the header (${rec.fields.join(', ')})`);
      continue;
    }
    const get = (col: string) => rec.fields[index!.get(col)!] ?? '';
    const bad = (column: string, reason: string) => errors.push({ file: name, line: rec.line, column, reason });
    const start = get(m.start);
    if (Number.isNaN(Date.parse(start))) {
      bad(m.start, `not a date and time: ${JSON.stringify(start)}`);
      continue;
    }
    const seconds = Number(get(m.seconds));
    if (!Number.isFinite(seconds) || seconds < 0) {
      bad(m.seconds, `not a duration in seconds: ${JSON.stringify(get(m.seconds))}`);
      continue;
    }
    let cost: string;
    try {
      cost = parseDecimal(get(m.cost)).toFixed();
    } catch {
      bad(m.cost, `not a decimal amount: ${JSON.stringify(get(m.cost))}`);
      continue;
    }
    lines.push({
      line: rec.line,
      callId: m.callId ? get(m.callId) || null : null,
      start: new Date(Date.parse(start)).toISOString(),
      number: get(m.number),
      seconds,
      cost,
    });
  }
  return { lines, errors };
}
