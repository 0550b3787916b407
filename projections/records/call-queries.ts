import type { ReadModelStore } from '../../application/ports/read-model-store';
import { decodeCursor, encodeCursor, whereOf, type Condition, type Page } from './page';

export type CallOutcome = 'open' | 'answered' | 'failed' | 'no-cdr' | 'received';
/** `on-net-inbound`: a peer provider's call to the account's number (the account is the callee). */
export type CallRouteKind = 'pstn' | 'on-net' | 'emergency' | 'on-net-inbound';

/** A call as its caller sees it. */
export interface CallRecord {
  readonly callId: string;
  readonly caller: string;
  readonly callee: string;
  readonly route: CallRouteKind;
  readonly authorizedAt: string;
  readonly answeredAt: string | null;
  readonly endedAt: string | null;
  /** What the proxy measured from answer to hang-up (fractions kept); null until the CDR. */
  readonly durationSeconds: number | null;
  readonly billedSeconds: number | null;
  readonly prefix: string | null;
  readonly ratePerMinute: string | null;
  readonly connectFee: string | null;
  readonly sheetVersion: number | null;
  /** The charge after any rerating; null until the CDR. */
  readonly price: string | null;
  readonly fromGrants: string | null;
  readonly fromPaid: string | null;
  /** What the credit could not cover and the provider absorbed. */
  readonly shortfall: string | null;
  readonly currency: string;
  readonly carrier: string | null;
  readonly outcome: CallOutcome;
  /** The proxy's reason for a call that was not answered; the on-net URI for an on-net call; the peer's domain for an inbound one. */
  readonly cause: string | null;
  readonly rerated: number;
}

/** A call as the operator sees it: the caller's view plus the account, trunk and carrier cost. */
export interface OperatorCallRecord extends CallRecord {
  readonly accountId: string;
  readonly trunk: string | null;
  readonly carrierPrefix: string | null;
  readonly carrierRate: string | null;
  readonly carrierCost: string | null;
  readonly carrierCurrency: string | null;
  readonly deckVersion: number | null;
  readonly origin: string | null;
  readonly position: number;
}

export interface CallFilter {
  readonly number?: string;
  readonly carrier?: string;
  /** Digits the callee's number starts with (after the +). */
  readonly prefix?: string;
  readonly outcome?: CallOutcome;
  /** Authorized at or after (ISO-8601). */
  readonly since?: string;
  /** Authorized before (ISO-8601). */
  readonly until?: string;
}

export interface Row {
  call_id: string;
  number: string;
  account_id: string;
  callee: string;
  route: CallRouteKind;
  authorized_at: string;
  answered_at: string | null;
  ended_at: string | null;
  duration_seconds: string | null;
  billed_seconds: number | string | null;
  prefix: string | null;
  rate: string | null;
  connect_fee: string | null;
  sheet_version: number | string | null;
  price: string | null;
  from_grants: string | null;
  from_paid: string | null;
  shortfall: string | null;
  currency: string;
  carrier_id: string | null;
  trunk: string | null;
  carrier_prefix: string | null;
  carrier_rate: string | null;
  carrier_cost: string | null;
  carrier_currency: string | null;
  deck_version: number | string | null;
  outcome: CallOutcome;
  cause: string | null;
  origin: string | null;
  rerated: number | string;
  position: number | string;
  /** Null: the account's own number (every call but a peer's inbound one). */
  caller: string | null;
}

/** Every column a view reads (not the routes the projection keeps for itself). */
const COLUMNS = `call_id, number, account_id, callee, route, authorized_at, answered_at, ended_at, duration_seconds, billed_seconds,
  prefix, rate, connect_fee, sheet_version, price, from_grants, from_paid, shortfall, currency, carrier_id, trunk, carrier_prefix,
  carrier_rate, carrier_cost, carrier_currency, deck_version, outcome, cause, origin, rerated, position, caller`;

const num = (v: number | string | null) => (v === null ? null : Number(v));

/**
 * Written out rather than spread from callerView: a spread into a literal of this size builds a
 * slow dictionary-mode object, and an export makes a million of them (bench:records).
 */
export function operatorView(r: Row): OperatorCallRecord {
  return {
    callId: r.call_id,
    caller: r.caller ?? r.number,
    callee: r.callee,
    route: r.route,
    authorizedAt: r.authorized_at,
    answeredAt: r.answered_at,
    endedAt: r.ended_at,
    durationSeconds: num(r.duration_seconds),
    billedSeconds: num(r.billed_seconds),
    prefix: r.prefix,
    ratePerMinute: r.rate,
    connectFee: r.connect_fee,
    sheetVersion: num(r.sheet_version),
    price: r.price,
    fromGrants: r.from_grants,
    fromPaid: r.from_paid,
    shortfall: r.shortfall,
    currency: r.currency,
    carrier: r.carrier_id,
    outcome: r.outcome,
    cause: r.cause,
    rerated: Number(r.rerated),
    accountId: r.account_id,
    trunk: r.trunk,
    carrierPrefix: r.carrier_prefix,
    carrierRate: r.carrier_rate,
    carrierCost: r.carrier_cost,
    carrierCurrency: r.carrier_currency,
    deckVersion: num(r.deck_version),
    origin: r.origin,
    position: Number(r.position),
  };
}

/** The caller's view: the operator's without what the provider pays and where it sends the call. */
export function callerView(r: Row): CallRecord {
  const {
    accountId: _accountId,
    trunk: _trunk,
    carrierPrefix: _carrierPrefix,
    carrierRate: _carrierRate,
    carrierCost: _carrierCost,
    carrierCurrency: _carrierCurrency,
    deckVersion: _deckVersion,
    origin: _origin,
    position: _position,
    ...caller
  } = operatorView(r);
  return caller;
}

function conditions(f: CallFilter): Condition[] {
  return [
    f.number !== undefined ? ['number = ?', f.number] : null,
    f.carrier !== undefined ? ['carrier_id = ?', f.carrier] : null,
    // digits only (the routers check), so no LIKE wildcard can come from the client
    f.prefix !== undefined ? ['callee LIKE ?', `+${f.prefix}%`] : null,
    f.outcome !== undefined ? ['outcome = ?', f.outcome] : null,
    f.since !== undefined ? ['authorized_at >= ?', f.since] : null,
    f.until !== undefined ? ['authorized_at < ?', f.until] : null,
  ];
}

/** One page of calls, newest first, after `cursor` (the `next` of the page before). */
export async function callRecords<T>(
  rm: ReadModelStore,
  view: (r: Row) => T,
  filter: CallFilter,
  page: { readonly limit: number; readonly cursor?: string },
): Promise<Page<T>> {
  const after = page.cursor !== undefined ? decodeCursor(page.cursor) : null;
  const where = whereOf([...conditions(filter), after ? ['(authorized_at, call_id) < (?, ?)', after.at, after.id] : null]);
  const rows = await rm.query<Row>(
    `SELECT ${COLUMNS} FROM call_records ${where.sql} ORDER BY authorized_at DESC, call_id DESC LIMIT ${Math.trunc(page.limit) + 1}`,
    where.params,
  );
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return {
    items: items.map(view),
    next: rows.length > page.limit && last ? encodeCursor({ at: last.authorized_at, id: last.call_id }) : null,
  };
}

/**
 * Every call the filter matches, oldest first, in chunks of `chunk` rows read by keyset (so an
 * export of millions holds one chunk in memory and never rescans what it has passed).
 */
export async function* eachCallRecord(rm: ReadModelStore, filter: CallFilter, chunk = 5000): AsyncGenerator<Row[]> {
  let after: { at: string; id: string } | null = null;
  for (;;) {
    const where = whereOf([...conditions(filter), after ? ['(authorized_at, call_id) > (?, ?)', after.at, after.id] : null]);
    const rows = await rm.query<Row>(
      `SELECT ${COLUMNS} FROM call_records ${where.sql} ORDER BY authorized_at, call_id LIMIT ${Math.trunc(chunk)}`,
      where.params,
    );
    if (rows.length > 0) yield rows;
    if (rows.length < chunk) return;
    const last = rows.at(-1)!;
    after = { at: last.authorized_at, id: last.call_id };
  }
}

/** How many calls the filter matches (for an export's progress). */
export async function countCallRecords(rm: ReadModelStore, filter: CallFilter): Promise<number> {
  const where = whereOf(conditions(filter));
  const [row] = await rm.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM call_records ${where.sql}`, where.params);
  return Number(row?.n ?? 0);
}
