import type { StagedRow } from '../../core/rating/catalog-events';
import type { SqlTx } from '../../application/ports/read-model-store';
import { insertRows } from '../sql-rows';

const COLUMNS = [
  'carrier_id',
  'version',
  'prefix',
  'destination',
  'rate',
  'initial',
  'subsequent',
  'connect_fee',
  'minimum',
  'effective_from',
  'effective_to',
] as const;

const INSERT_ONE = `INSERT INTO rate_deck_rows (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`;

/**
 * Inserts a staged chunk's rows: the same rows, in the same order, as one INSERT per row would.
 * SQLite runs in process, where one prepared single-row statement per row is the cheapest
 * (no statement of hundreds of parameters to bind, no flattened copy of the rows); PostgreSQL
 * takes them in multi-row statements, a round trip for many rows.
 */
export async function insertDeckRows(tx: SqlTx, carrierId: string, version: number, rows: readonly StagedRow[]): Promise<void> {
  // a staged row holds the columns after carrier_id and version, in the table's order
  if (tx.dialect === 'sqlite') {
    for (const r of rows) await tx.run(INSERT_ONE, [carrierId, version, ...r]);
    return;
  }
  await insertRows(
    tx,
    'rate_deck_rows',
    COLUMNS,
    rows.map((r) => [carrierId, version, ...r]),
  );
}
