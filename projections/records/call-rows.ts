import type { SqlTx, SqlValue } from '../../application/ports/read-model-store';
import { insertRows, selectKeys } from '../sql-rows';

/** A `call_records` row as the batch holds it: as the store returned it, or as the batch made it. */
export interface CallRow {
  call_id: string;
  number: string;
  account_id: string;
  callee: string;
  route: string;
  authorized_at: string;
  answered_at: string | null;
  ended_at: string | null;
  duration_seconds: string | null;
  billed_seconds: number | null;
  prefix: string | null;
  rate: string | null;
  connect_fee: string | null;
  sheet_version: number | null;
  reserved: string;
  price: string | null;
  from_grants: string | null;
  from_paid: string | null;
  shortfall: string | null;
  currency: string;
  routes: string;
  carrier_id: string | null;
  trunk: string | null;
  carrier_prefix: string | null;
  carrier_rate: string | null;
  carrier_cost: string | null;
  carrier_currency: string | null;
  deck_version: number | null;
  outcome: string;
  cause: string | null;
  origin: string | null;
  rerated: number;
  position: number;
  caller: string | null;
}

/** What an authorization knows of a call; the rest comes with its CDR, its carrier's cost and any rerating. */
export type NewCall = Pick<
  CallRow,
  'call_id' | 'number' | 'account_id' | 'callee' | 'route' | 'authorized_at' | 'reserved' | 'currency' | 'routes' | 'outcome' | 'position'
> &
  Partial<CallRow>;

/**
 * A call row with every column, in one order: made by this literal, never by spreading, so that
 * V8 keeps one fast object shape for all of them (see `trafficRow` in the finance projection).
 */
export function callRow(r: NewCall): CallRow {
  return {
    call_id: r.call_id,
    number: r.number,
    account_id: r.account_id,
    callee: r.callee,
    route: r.route,
    authorized_at: r.authorized_at,
    answered_at: r.answered_at ?? null,
    ended_at: r.ended_at ?? null,
    duration_seconds: r.duration_seconds ?? null,
    billed_seconds: r.billed_seconds ?? null,
    prefix: r.prefix ?? null,
    rate: r.rate ?? null,
    connect_fee: r.connect_fee ?? null,
    sheet_version: r.sheet_version ?? null,
    reserved: r.reserved,
    price: r.price ?? null,
    from_grants: r.from_grants ?? null,
    from_paid: r.from_paid ?? null,
    shortfall: r.shortfall ?? null,
    currency: r.currency,
    routes: r.routes,
    carrier_id: r.carrier_id ?? null,
    trunk: r.trunk ?? null,
    carrier_prefix: r.carrier_prefix ?? null,
    carrier_rate: r.carrier_rate ?? null,
    carrier_cost: r.carrier_cost ?? null,
    carrier_currency: r.carrier_currency ?? null,
    deck_version: r.deck_version ?? null,
    outcome: r.outcome,
    cause: r.cause ?? null,
    origin: r.origin ?? null,
    rerated: r.rerated ?? 0,
    position: r.position,
    caller: r.caller ?? null,
  };
}

const COLUMNS = Object.keys(callRow({} as NewCall)) as (keyof CallRow)[];
const KEY: readonly [string, string] = ['number', 'call_id'];
const CHANGING = COLUMNS.filter((c) => !KEY.includes(c));
const UPDATE = `UPDATE call_records SET ${CHANGING.map((c) => `${c} = ?`).join(', ')} WHERE number = ? AND call_id = ?`;

const keyOf = (number: string, callId: string) => `${number}\u0000${callId}`;

/**
 * A batch of the call-records projection in memory: the rows its events touch, read in a few
 * statements up front, changed in log order, and written once each when the batch ends; rows
 * the batch creates go in multi-row INSERTs. Rows are only created by an authorization, and
 * one the store no longer holds (retention dropped it) is never written back: what the table
 * holds after `write` is what one statement per event would have left.
 */
export class CallBatch {
  private readonly rows = new Map<string, CallRow | null>();
  /** Created by this batch, in log order. */
  private readonly created = new Set<string>();
  /** Read from the store and changed since. */
  private readonly changed = new Set<string>();

  /** Reads the rows of these (number, call id) pairs. */
  async load(tx: SqlTx, pairs: readonly (readonly [string, string])[]): Promise<void> {
    const keys = new Map<string, readonly [string, string]>();
    for (const p of pairs) keys.set(keyOf(p[0], p[1]), p);
    for (const k of keys.keys()) this.rows.set(k, null);
    if (keys.size === 0) return;
    for (const row of await selectKeys<CallRow>(tx, 'SELECT * FROM call_records', KEY, [...keys.values()]))
      this.rows.set(keyOf(row.number, row.call_id), row);
  }

  /** The call's row, or null when the store has none (never authorized here, or dropped by retention). */
  row(number: string, callId: string): CallRow | null {
    const row = this.rows.get(keyOf(number, callId));
    if (row === undefined) throw new Error(`call-records: row ${number} ${callId} was not read for this batch`);
    return row;
  }

  /** A new call's row; an authorization already recorded is left as it is. */
  create(row: CallRow): void {
    if (this.row(row.number, row.call_id)) return;
    const k = keyOf(row.number, row.call_id);
    this.rows.set(k, row);
    this.created.add(k);
  }

  /** Changes an existing row's columns, and its position; nothing when the row is gone. */
  change(number: string, callId: string, position: number, set: Partial<CallRow>): void {
    const row = this.row(number, callId);
    if (!row) return;
    Object.assign(row, set);
    row.position = position;
    const k = keyOf(number, callId);
    if (!this.created.has(k)) this.changed.add(k);
  }

  async write(tx: SqlTx): Promise<void> {
    const created = [...this.created].map((k) => COLUMNS.map((c) => this.rows.get(k)![c]) as SqlValue[]);
    await insertRows(tx, 'call_records', COLUMNS, created, 'ON CONFLICT (number, call_id) DO NOTHING');
    for (const k of this.changed) {
      const row = this.rows.get(k)!;
      await tx.run(UPDATE, [...CHANGING.map((c) => row[c]), row.number, row.call_id]);
    }
  }
}
