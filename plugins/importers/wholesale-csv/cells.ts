import type { Column } from './mapping';

const DECIMAL = /^(0|[1-9]\d*)(\.\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const WHOLE = /^\d+$/;

/** A bad cell: the column it is in and why, in words a provider can act on. */
export class CellError extends Error {
  constructor(
    readonly column: Column,
    message: string,
  ) {
    super(message);
  }
}

/** `instant` remembering its last answer: a deck's dates repeat row after row. */
export function lastInstant(): (column: Column, text: string) => string {
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

export function seconds(column: Column, text: string, min: number): number {
  const t = text.trim();
  if (!WHOLE.test(t)) throw new CellError(column, `not a whole number of seconds: ${JSON.stringify(text)}`);
  const n = Number(t);
  if (n < min) throw new CellError(column, `must be at least ${min}: ${text}`);
  return n;
}

export function decimal(column: Column, text: string): string {
  const t = text.trim();
  if (!DECIMAL.test(t)) throw new CellError(column, `not a non-negative decimal number: ${JSON.stringify(text)}`);
  return t;
}
