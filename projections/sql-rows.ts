import type { SqlTx, SqlValue } from '../application/ports/read-model-store';

/**
 * Rows per multi-row statement: few statements per batch, a handful of statement shapes for the
 * store's prepared-statement cache, and far below SQLite's 32,766 and PostgreSQL's 65,535
 * parameters for any table here.
 */
const CHUNK = 200;

/** `(?, ?, ?), (?, ?, ?)`: `rows` groups of `columns` placeholders. */
const groups = (rows: number, columns: number) => Array.from({ length: rows }, () => `(${Array(columns).fill('?').join(', ')})`).join(', ');

/** The rows whose `column` is one of `keys`, in chunks: one statement per `CHUNK` keys instead of one per key. */
export async function selectWhereIn<T>(tx: SqlTx, select: string, column: string, keys: readonly SqlValue[]): Promise<T[]> {
  const rows: T[] = [];
  for (let i = 0; i < keys.length; i += CHUNK) {
    const chunk = keys.slice(i, i + CHUNK);
    rows.push(...(await tx.all<T>(`${select} WHERE ${column} IN (${Array(chunk.length).fill('?').join(', ')})`, chunk)));
  }
  return rows;
}

/**
 * Inserts `rows` (each in `columns` order) in multi-row statements; `conflict` is the statement's
 * tail, e.g. `ON CONFLICT (a, b) DO UPDATE SET c = excluded.c`. Within one call no two rows may
 * share a conflict key (PostgreSQL refuses to touch a row twice in one statement).
 */
export async function insertRows(
  tx: SqlTx,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly SqlValue[])[],
  conflict = '',
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    await tx.run(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${groups(chunk.length, columns.length)} ${conflict}`, chunk.flat());
  }
}

/** Deletes the rows whose two-column key is in `keys`, in chunks. */
export async function deleteKeys(
  tx: SqlTx,
  table: string,
  key: readonly [string, string],
  keys: readonly (readonly [SqlValue, SqlValue])[],
) {
  for (let i = 0; i < keys.length; i += CHUNK) {
    const chunk = keys.slice(i, i + CHUNK);
    await tx.run(`DELETE FROM ${table} WHERE (${key[0]}, ${key[1]}) IN (VALUES ${groups(chunk.length, 2)})`, chunk.flat());
  }
}
