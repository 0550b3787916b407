import type { DeckRow } from '../../core/rating/catalog-events';
import type { SqlTx, SqlValue } from '../../application/ports/read-model-store';

const COLUMNS = 'carrier_id, version, prefix, destination, rate, initial, subsequent, connect_fee, minimum, effective_from, effective_to';
const PLACEHOLDERS = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

/**
 * Statement sizes, largest first: a staged chunk of thousands of rows is a few statements, not
 * a statement per row, and only these few texts are ever prepared. 500 rows are 5,500 parameters,
 * well under SQLite's 32,766 and PostgreSQL's 65,535.
 */
const SIZES = [500, 50, 1] as const;
const statements = new Map(
  SIZES.map((n) => [n, `INSERT INTO rate_deck_rows (${COLUMNS}) VALUES ${Array(n).fill(PLACEHOLDERS).join(', ')}`]),
);

/** Inserts a staged chunk's rows: the same rows, in the same order, as one INSERT per row would. */
export async function insertDeckRows(tx: SqlTx, carrierId: string, version: number, rows: readonly DeckRow[]): Promise<void> {
  let from = 0;
  for (const size of SIZES) {
    for (; rows.length - from >= size; from += size) {
      const params: SqlValue[] = [];
      for (let i = from; i < from + size; i++) {
        const r = rows[i]!;
        params.push(
          carrierId,
          version,
          r.prefix,
          r.destination,
          r.rate,
          r.initial,
          r.subsequent,
          r.connectFee,
          r.minimum,
          r.effectiveFrom,
          r.effectiveTo,
        );
      }
      await tx.run(statements.get(size)!, params);
    }
  }
}
