import type { DeckRow } from '../../core/rating/catalog-events';
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

/** Inserts a staged chunk's rows: the same rows, in the same order, as one INSERT per row would. */
export async function insertDeckRows(tx: SqlTx, carrierId: string, version: number, rows: readonly DeckRow[]): Promise<void> {
  await insertRows(
    tx,
    'rate_deck_rows',
    COLUMNS,
    rows.map((r) => [
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
    ]),
  );
}
