/** Renders rows as an aligned text table, for humans; `--json` and `--csv` are for programs. */
export function table(rows: readonly Record<string, string | number | boolean | null>[]): string {
  if (rows.length === 0) return '(none)\n';
  const headers = Object.keys(rows[0]!);
  const cells = rows.map((r) => headers.map((h) => String(r[h] ?? '')));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const render = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [render(headers), render(widths.map((w) => '-'.repeat(w))), ...cells.map(render)].join('\n') + '\n';
}
