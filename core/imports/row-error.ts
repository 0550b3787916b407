/** A bad row of an import: where it is and why, in words a provider can act on. */
export interface RowError {
  readonly file: string;
  readonly line: number;
  readonly column?: string;
  readonly reason: string;
}

export function formatRowError(e: RowError): string {
  return `${e.file}:${e.line}: ${e.column ? `${e.column}: ` : ''}${e.reason}`;
}
