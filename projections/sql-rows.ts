import type { SqlTx, SqlValue } from '../application/ports/read-model-store';

/**
 * Rows per multi-row INSERT, largest first: a batch's rows go in as few statements as these sizes
 * allow. Few sizes, because every distinct statement text stays prepared for the store's life (a
 * statement of 128 rows is a large program): with any count allowed, a long rebuild would keep
 * hundreds of them.
 */
const INSERT_SIZES = [128, 32, 8, 1] as const;
/** Keys per `IN (…)` list at most; shorter lists are padded to a power of two, for the same reason. */
const KEYS_PER_LIST = 128;

const insertTexts = new Map<string, string>();
/** A multi-row INSERT's text, built once per shape: a deck import sends thousands of them. */
function insertText(table: string, columns: readonly string[], size: number, tail: string): string {
  const key = `${table}\0${columns.join(',')}\0${size}\0${tail}`;
  let sql = insertTexts.get(key);
  if (sql === undefined)
    insertTexts.set(key, (sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${groups(size, columns.length)} ${tail}`));
  return sql;
}

/** `(?, ?, ?), (?, ?, ?)`: `rows` groups of `columns` placeholders. */
const groups = (rows: number, columns: number) =>
  Array<string>(rows)
    .fill(`(${Array<string>(columns).fill('?').join(', ')})`)
    .join(', ');

/** `keys` cut into lists of at most KEYS_PER_LIST, each padded with its first key (a key twice in IN matches once). */
function keyLists<T>(keys: readonly T[]): T[][] {
  const lists: T[][] = [];
  for (let i = 0; i < keys.length; i += KEYS_PER_LIST) {
    const list = keys.slice(i, i + KEYS_PER_LIST);
    let size = 1;
    while (size < list.length) size *= 2;
    lists.push([...list, ...Array<T>(size - list.length).fill(list[0]!)]);
  }
  return lists;
}

/** The rows whose `column` is one of `keys`: one statement per list of keys instead of one per key. */
export async function selectWhereIn<T>(tx: SqlTx, select: string, column: string, keys: readonly SqlValue[]): Promise<T[]> {
  const rows: T[] = [];
  for (const list of keyLists(keys))
    rows.push(...(await tx.all<T>(`${select} WHERE ${column} IN (${groups(list.length, 1).replace(/[()]/g, '')})`, list)));
  return rows;
}

/**
 * Inserts `rows` (each in `columns` order, in order) in multi-row statements; `tail` follows the
 * VALUES list, e.g. `ON CONFLICT (a, b) DO UPDATE SET c = excluded.c`. Within one call no two rows
 * may share a conflict key (PostgreSQL refuses to touch a row twice in one statement).
 */
export async function insertRows(
  tx: SqlTx,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly SqlValue[])[],
  tail = '',
): Promise<void> {
  let i = 0;
  for (const size of INSERT_SIZES) {
    if (rows.length - i < size) continue;
    const sql = insertText(table, columns, size, tail);
    for (; rows.length - i >= size; i += size) await tx.run(sql, flatten(rows, i, size));
  }
}

/** Rows `from` … `from + count - 1` as one parameter list (slice and flat cost a copy and a generic walk each). */
function flatten(rows: readonly (readonly SqlValue[])[], from: number, count: number): SqlValue[] {
  const out: SqlValue[] = [];
  for (let r = from; r < from + count; r++) {
    const row = rows[r]!;
    for (let c = 0; c < row.length; c++) out.push(row[c] as SqlValue);
  }
  return out;
}

/** Deletes the rows whose two-column key is in `keys`. */
export async function deleteKeys(
  tx: SqlTx,
  table: string,
  key: readonly [string, string],
  keys: readonly (readonly [SqlValue, SqlValue])[],
) {
  for (const list of keyLists(keys))
    await tx.run(`DELETE FROM ${table} WHERE (${key[0]}, ${key[1]}) IN (VALUES ${groups(list.length, 2)})`, list.flat());
}

/** The rows whose key of several columns is in `keys`: one statement per list of keys instead of one per key. */
export async function selectKeys<T>(
  tx: SqlTx,
  select: string,
  key: readonly string[],
  keys: readonly (readonly SqlValue[])[],
): Promise<T[]> {
  const rows: T[] = [];
  for (const list of keyLists(keys))
    rows.push(...(await tx.all<T>(`${select} WHERE (${key.join(', ')}) IN (VALUES ${groups(list.length, key.length)})`, list.flat())));
  return rows;
}
