import type { ReadModelStore } from '../../application/ports/read-model-store';

export interface AccountSummary {
  readonly number: string;
  readonly accountId: string;
  readonly status: string;
  readonly currency: string;
  /** Ledger figures (grants an expiry sweep has not reached yet still count in `granted`). */
  readonly paid: string;
  readonly granted: string;
  readonly reserved: string;
  readonly updatedAt: string;
}

export interface AccountQuery {
  readonly status?: 'open' | 'suspended' | 'closed';
  /** Digits a number starts with (after the +), or an account id. */
  readonly search?: string;
  readonly limit: number;
  /** The last number of the previous page. */
  readonly after?: string;
}

interface Row {
  number: string;
  account_id: string;
  status: string;
  currency: string;
  paid: string;
  granted: string;
  reserved: string;
  updated_at: string;
}

/** Accounts in number order, a page at a time; `next` is the number to pass as `after`. */
export async function listAccounts(rm: ReadModelStore, q: AccountQuery): Promise<{ items: AccountSummary[]; next: string | null }> {
  const conditions: [string, string][] = [];
  if (q.status) conditions.push(['status = ?', q.status]);
  // digits only reach LIKE (the routers check), so a client cannot send a wildcard
  if (q.search !== undefined) conditions.push(/^\d+$/.test(q.search) ? ['number LIKE ?', `+${q.search}%`] : ['account_id = ?', q.search]);
  if (q.after !== undefined) conditions.push(['number > ?', q.after]);
  const where = conditions.map(([sql]) => sql);
  const params = conditions.map(([, value]) => value);
  const rows = await rm.query<Row>(
    `SELECT number, account_id, status, currency, paid, granted, reserved, updated_at FROM wallet_accounts
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY number LIMIT ${Math.trunc(q.limit) + 1}`,
    params,
  );
  const items = rows.slice(0, q.limit).map((r) => ({
    number: r.number,
    accountId: r.account_id,
    status: r.status,
    currency: r.currency,
    paid: r.paid,
    granted: r.granted,
    reserved: r.reserved,
    updatedAt: r.updated_at,
  }));
  return { items, next: rows.length > q.limit ? (items.at(-1)?.number ?? null) : null };
}
