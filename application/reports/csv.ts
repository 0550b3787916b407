/** Rows as RFC 4180 CSV with a header line, for the API's `text/csv` answers and the CLI's `--csv`. */
export function csv(rows: readonly Record<string, string | number | boolean | null>[]): string {
  if (rows.length === 0) return '';
  const headers = Object.keys(rows[0]!);
  const quote = (v: unknown) => {
    const s = String(v ?? '');
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [headers.join(','), ...rows.map((r) => headers.map((h) => quote(r[h])).join(','))].join('\n') + '\n';
}
