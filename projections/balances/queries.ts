import { Decimal } from '../../core/money';
import type { Restriction } from '../../core/wallet';
import { availableCredit, inDebt } from '../../core/wallet/balance-figures';
import type { ReadModelStore } from '../../application/ports/read-model-store';
import type { StoredAccount } from './projection';

export interface GrantView {
  readonly grantId: string;
  readonly amount: string;
  readonly remaining: string;
  readonly expiresAt: string | null;
  readonly restriction: Restriction | null;
  readonly reason: string;
}

export interface BalanceView {
  readonly number: string;
  readonly accountId: string;
  readonly status: string;
  readonly currency: string;
  /** What can be spent now: paid credit plus unexpired grants, less reservations; nothing while in debt. */
  readonly available: string;
  readonly paid: string;
  /** Granted credit on the ledger (an expiry not yet recorded still counts here, not in `available`). */
  readonly granted: string;
  readonly reserved: string;
  readonly balance: string;
  readonly inDebt: boolean;
  /** PSTN calls and SMS are refused while the account is in debt or not open. */
  readonly paidServices: 'allowed' | 'suspended';
  readonly grants: readonly GrantView[];
  /** Log position of the last event this view includes for the account. */
  readonly position: number;
}

interface GrantRow {
  grant_id: string;
  amount: string;
  remaining: string;
  expires_at: string | null;
  restriction: string | null;
  reason: string;
}

export async function balanceOf(rm: ReadModelStore, number: string, now: Date): Promise<BalanceView | null> {
  const [row] = await rm.query<StoredAccount>('SELECT * FROM wallet_accounts WHERE number = ?', [number]);
  if (!row) return null;
  const grantRows = await rm.query<GrantRow>(
    `SELECT grant_id, amount, remaining, expires_at, restriction, reason FROM wallet_grants
     WHERE number = ? AND remaining <> '0' ORDER BY granted_at, grant_id`,
    [number],
  );
  const grants = grantRows.map((g) => ({
    grantId: g.grant_id,
    amount: g.amount,
    remaining: g.remaining,
    expiresAt: g.expires_at,
    restriction: g.restriction ? (JSON.parse(g.restriction) as Restriction) : null,
    reason: g.reason,
  }));
  const paid = new Decimal(row.paid);
  const debt = inDebt(paid);
  const live = grants
    .filter((g) => g.expiresAt === null || Date.parse(g.expiresAt) > now.getTime())
    .reduce((sum, g) => sum.plus(g.remaining), new Decimal(0));
  const reserved = new Decimal(row.reserved);
  const available = availableCredit(paid, live, reserved);
  return {
    number: row.number,
    accountId: row.account_id,
    status: row.status,
    currency: row.currency,
    available: available.toFixed(),
    paid: paid.toFixed(),
    granted: row.granted,
    reserved: reserved.toFixed(),
    balance: paid.plus(row.granted).toFixed(),
    inDebt: debt,
    paidServices: debt || row.status !== 'open' ? 'suspended' : 'allowed',
    grants,
    position: Number(row.last_position),
  };
}

export interface LedgerLine {
  readonly position: number;
  readonly eventId: string;
  readonly type: string;
  /** Signed: credit positive, debit negative. */
  readonly amount: string;
  readonly paidChange: string;
  readonly grantedChange: string;
  /** The balance right after this line. */
  readonly balance: string;
  readonly paidBalance: string;
  readonly grantedBalance: string;
  readonly reference: string;
  readonly recordedAt: string;
}

interface LedgerRow {
  position: number | string;
  event_id: string;
  type: string;
  amount: string;
  paid_change: string;
  granted_change: string;
  paid_after: string;
  granted_after: string;
  reference: string;
  recorded_at: string;
}

/** The account's ledger, newest first, in pages: pass the previous page's `next` as `before`. */
export async function ledgerOf(
  rm: ReadModelStore,
  number: string,
  page: { readonly before?: number; readonly limit: number },
): Promise<{ items: LedgerLine[]; next: number | null }> {
  const rows = await rm.query<LedgerRow>('SELECT * FROM wallet_ledger WHERE number = ? AND position < ? ORDER BY position DESC LIMIT ?', [
    number,
    page.before ?? Number.MAX_SAFE_INTEGER,
    page.limit + 1,
  ]);
  const items = rows.slice(0, page.limit).map((r) => ({
    position: Number(r.position),
    eventId: r.event_id,
    type: r.type,
    amount: r.amount,
    paidChange: r.paid_change,
    grantedChange: r.granted_change,
    balance: new Decimal(r.paid_after).plus(r.granted_after).toFixed(),
    paidBalance: r.paid_after,
    grantedBalance: r.granted_after,
    reference: r.reference,
    recordedAt: r.recorded_at,
  }));
  return { items, next: rows.length > page.limit ? items[items.length - 1]!.position : null };
}

/** Accounts holding a call reservation that lapsed without its CDR. */
export async function accountsWithDueReservations(rm: ReadModelStore, now: Date, limit: number): Promise<string[]> {
  const rows = await rm.query<{ number: string }>('SELECT DISTINCT number FROM wallet_reservations WHERE expires_at <= ? LIMIT ?', [
    now.toISOString(),
    limit,
  ]);
  return rows.map((r) => r.number);
}

/** Accounts holding a grant whose expiry has passed with credit left on it. */
export async function accountsWithDueGrants(rm: ReadModelStore, now: Date, limit: number): Promise<string[]> {
  const rows = await rm.query<{ number: string }>(
    `SELECT DISTINCT number FROM wallet_grants WHERE expires_at IS NOT NULL AND expires_at <= ? AND remaining <> '0' LIMIT ?`,
    [now.toISOString(), limit],
  );
  return rows.map((r) => r.number);
}
