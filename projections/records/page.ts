import type { SqlValue } from '../../application/ports/read-model-store';

/** Where a page ends: the last row's time and id, so the next page starts strictly after it. */
export interface Keyset {
  readonly at: string;
  readonly id: string;
}

/** A page of records, newest first; `next` is the cursor for the following page, null on the last. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly next: string | null;
}

/** The cursor is opaque to clients: base64url of the keyset, refused unless it decodes to one. */
export function encodeCursor(k: Keyset): string {
  return Buffer.from(JSON.stringify([k.at, k.id])).toString('base64url');
}

export class BadCursorError extends Error {}

export function decodeCursor(cursor: string): Keyset {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadCursorError('the cursor is not one a previous page returned');
  }
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string' || typeof value[1] !== 'string')
    throw new BadCursorError('the cursor is not one a previous page returned');
  return { at: value[0], id: value[1] };
}

/** A condition and its parameters; `null` leaves a filter that was not asked for out. */
export type Condition = readonly [sql: string, ...params: SqlValue[]] | null;

/** `WHERE a AND b …` of the conditions asked for, and their parameters in order. */
export function whereOf(conditions: readonly Condition[]): { sql: string; params: SqlValue[] } {
  const present = conditions.filter((c): c is NonNullable<Condition> => c !== null);
  return {
    sql: present.length > 0 ? `WHERE ${present.map((c) => c[0]).join(' AND ')}` : '',
    params: present.flatMap((c) => c.slice(1) as SqlValue[]),
  };
}
