import { z } from 'zod';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day, YYYY-MM-DD');

/** What every finance report is asked with, from the API's query string or the CLI's flags. */
export const reportQuery = z
  .object({
    from: day,
    /** Exclusive. */
    to: day,
    by: z.enum(['day', 'destination', 'carrier']).default('day'),
    asOf: z.coerce.number().int().min(0).optional(),
    format: z.enum(['json', 'csv', 'table']).optional(),
  })
  .strict()
  .refine((q) => q.from < q.to, { message: 'from must be before to', path: ['to'] });

export type ReportQuery = z.infer<typeof reportQuery>;

/** Rows with nested objects flattened for CSV and tables (`costElsewhere.USD`). */
export function flatRows(rows: readonly object[]): Record<string, string | number | boolean | null>[] {
  return rows.map((r) => {
    const out: Record<string, string | number | boolean | null> = {};
    for (const [k, v] of Object.entries(r)) {
      if (v !== null && typeof v === 'object') for (const [k2, v2] of Object.entries(v as object)) out[`${k}.${k2}`] = String(v2);
      else out[k] = v as string | number | boolean | null;
    }
    return out;
  });
}
