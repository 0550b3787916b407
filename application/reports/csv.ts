type Cell = string | number | boolean | null;

const SPECIAL = /[",\n\r]/;

const quote = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  const s = String(v);
  return SPECIAL.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The header line of rows with these columns. */
export function csvHeader(columns: readonly string[]): string {
  return `${columns.map(quote).join(',')}\n`;
}

/** Rows as CSV lines in the columns' order, without a header (an export writes its header once). */
export function csvLines(rows: readonly Record<string, Cell>[], columns: readonly string[]): string {
  // plain loops: an export runs this for every cell of a million rows
  let out = '';
  for (const r of rows) {
    for (let i = 0; i < columns.length; i++) out += i === 0 ? quote(r[columns[i]!]) : `,${quote(r[columns[i]!])}`;
    out += '\n';
  }
  return out;
}

/** Rows as RFC 4180 CSV with a header line, for the API's `text/csv` answers and the CLI's `--csv`. */
export function csv(rows: readonly Record<string, Cell>[]): string {
  if (rows.length === 0) return '';
  const columns = Object.keys(rows[0]!);
  return csvHeader(columns) + csvLines(rows, columns);
}
