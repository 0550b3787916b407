import type { RecordedEvent } from '../../core/events/envelope';
import { Decimal } from '../../core/money';
import { accountStreamCodec, moneyEffect, MONEY_EVENT_TYPES, type AccountStreamEvent, type MoneyEffect } from '../../core/wallet';
import type { Projection } from '../../application/ports/projection';
import type { SqlTx, SqlValue } from '../../application/ports/read-model-store';
import { deleteKeys, insertRows, selectWhereIn } from '../sql-rows';

const ACCOUNT_STREAM = 'account-';
const ACCOUNT_TYPES = ['AccountOpened', 'AccountSuspended', 'AccountReinstated', 'AccountClosed'];

const STATUS: Record<string, string> = {
  AccountOpened: 'open',
  AccountSuspended: 'suspended',
  AccountReinstated: 'open',
  AccountClosed: 'closed',
};

interface AccountRow {
  accountId: string;
  currency: string;
  status: string;
  paid: Decimal;
  granted: Decimal;
  reserved: Decimal;
  lastPosition: number;
  updatedAt: string;
}

interface GrantRow {
  amount: string;
  remaining: Decimal;
  expiresAt: string | null;
  restriction: string | null;
  reason: string;
  grantedAt: string;
}

/** A `wallet_accounts` row as the databases return it (money as TEXT). */
export interface StoredAccount {
  number: string;
  account_id: string;
  currency: string;
  status: string;
  paid: string;
  granted: string;
  reserved: string;
  last_position: number | string;
  updated_at: string;
}

interface StoredGrant {
  amount: string;
  remaining: string;
  expires_at: string | null;
  restriction: string | null;
  reason: string;
  granted_at: string;
}

const ACCOUNT_COLUMNS = ['number', 'account_id', 'currency', 'status', 'paid', 'granted', 'reserved', 'last_position', 'updated_at'];
const GRANT_COLUMNS = ['number', 'grant_id', 'amount', 'remaining', 'expires_at', 'restriction', 'reason', 'granted_at'];

const LEDGER_COLUMNS = [
  'position',
  'number',
  'event_id',
  'type',
  'amount',
  'paid_change',
  'granted_change',
  'paid_after',
  'granted_after',
  'reference',
  'recorded_at',
];

/** A batch being folded: each account and grant touched is read at most once and written once. */
interface Batch {
  readonly tx: SqlTx;
  readonly accounts: Map<string, AccountRow | null>;
  readonly grants: Map<string, GrantRow | null>;
  readonly dirtyGrants: Set<string>;
  readonly ledger: SqlValue[][];
  /** Open reservations, for the expiry job: call → when it lapses (null: closed). */
  readonly reservations: Map<string, { number: string; callId: string; expiresAt: string | null }>;
}

const grantKey = (number: string, grantId: string) => JSON.stringify([number, grantId]);

const accountRow = (r: StoredAccount): AccountRow => ({
  accountId: r.account_id,
  currency: r.currency,
  status: r.status,
  paid: new Decimal(r.paid),
  granted: new Decimal(r.granted),
  reserved: new Decimal(r.reserved),
  lastPosition: Number(r.last_position),
  updatedAt: r.updated_at,
});

/** Reads the accounts of a batch's events in a few statements instead of one per account. */
async function loadAccounts(b: Batch, events: readonly RecordedEvent[]): Promise<void> {
  const numbers = new Set<string>();
  for (const e of events) if (e.stream.startsWith(ACCOUNT_STREAM)) numbers.add(e.stream.slice(ACCOUNT_STREAM.length));
  for (const n of numbers) b.accounts.set(n, null);
  for (const r of await selectWhereIn<StoredAccount>(b.tx, 'SELECT * FROM wallet_accounts', 'number', [...numbers]))
    b.accounts.set(r.number, accountRow(r));
}

function accountOf(b: Batch, number: string): AccountRow | null {
  const row = b.accounts.get(number);
  if (row === undefined) throw new Error(`balances: account ${number} was not read for this batch`);
  return row;
}

async function grantOf(b: Batch, number: string, grantId: string): Promise<GrantRow | null> {
  const key = grantKey(number, grantId);
  if (b.grants.has(key)) return b.grants.get(key)!;
  const r = await b.tx.get<StoredGrant>('SELECT * FROM wallet_grants WHERE number = ? AND grant_id = ?', [number, grantId]);
  const row = r && {
    amount: r.amount,
    remaining: new Decimal(r.remaining),
    expiresAt: r.expires_at,
    restriction: r.restriction,
    reason: r.reason,
    grantedAt: r.granted_at,
  };
  b.grants.set(key, row ?? null);
  return row ?? null;
}

/** The reservation rows the expiry job reads: open while a call holds credit, gone once it ends. */
function trackReservation(b: Batch, number: string, e: AccountStreamEvent): void {
  if (e.type === 'CallAuthorized' || e.type === 'CallExtended')
    b.reservations.set(`${number} ${e.data.callId}`, { number, callId: e.data.callId, expiresAt: e.data.expiresAt });
  else if (e.type === 'ReservationReleased' || e.type === 'ReservationExpired' || e.type === 'CallCharged' || e.type === 'CallFailed')
    b.reservations.set(`${number} ${e.data.callId}`, { number, callId: e.data.callId, expiresAt: null });
}

/** Opening and status changes: true when `e` was one. */
function applyStatus(
  b: Batch,
  number: string,
  row: AccountRow | null,
  e: AccountStreamEvent,
  at: Pick<AccountRow, 'lastPosition' | 'updatedAt'>,
) {
  if (e.type === 'AccountOpened') {
    if (!row)
      b.accounts.set(number, {
        accountId: e.data.accountId,
        currency: e.data.currency,
        status: 'open',
        paid: new Decimal(0),
        granted: new Decimal(0),
        reserved: new Decimal(0),
        ...at,
      });
    return true;
  }
  if (!STATUS[e.type]) return false;
  if (row) Object.assign(row, { status: STATUS[e.type]!, ...at });
  return true;
}

/** A ledger line's grant changes: a new lot, or what a charge, refund or expiry took from each. */
async function applyGrants(b: Batch, number: string, effect: MoneyEffect, recorded: RecordedEvent): Promise<void> {
  if (effect.newGrant) {
    const g = effect.newGrant;
    const key = grantKey(number, g.grantId);
    b.grants.set(key, {
      amount: g.amount.toFixed(),
      remaining: g.amount,
      expiresAt: g.expiresAt,
      restriction: g.restriction ? JSON.stringify(g.restriction) : null,
      reason: g.reason,
      grantedAt: recorded.recordedAt,
    });
    b.dirtyGrants.add(key);
  }
  for (const c of effect.grantChanges) {
    const g = await grantOf(b, number, c.grantId);
    if (!g) throw new Error(`balances: ${recorded.type} at position ${recorded.position} spends unknown grant ${c.grantId}`);
    g.remaining = g.remaining.plus(c.change);
    b.dirtyGrants.add(grantKey(number, c.grantId));
  }
}

/** One event folded into the batch, through the one money effect. */
async function foldEvent(b: Batch, recorded: RecordedEvent): Promise<void> {
  if (!recorded.stream.startsWith(ACCOUNT_STREAM)) return;
  const e = accountStreamCodec.decode(recorded) as AccountStreamEvent;
  const number = recorded.stream.slice(ACCOUNT_STREAM.length);
  const at = { lastPosition: recorded.position, updatedAt: recorded.recordedAt };
  const row = accountOf(b, number);
  if (applyStatus(b, number, row, e, at)) return;
  trackReservation(b, number, e);
  const effect = moneyEffect(e);
  if (!effect) return;
  if (!row) {
    if (effect.reference === null) return; // a hold on an account this read model never saw opened
    throw new Error(`balances: ${recorded.type} at position ${recorded.position} for ${number}, which was never opened`);
  }
  row.reserved = row.reserved.plus(effect.reserved);
  Object.assign(row, at);
  if (effect.reference === null) return;
  row.paid = row.paid.plus(effect.paid);
  row.granted = row.granted.plus(effect.granted);
  await applyGrants(b, number, effect, recorded);
  b.ledger.push([
    recorded.position,
    number,
    recorded.id,
    recorded.type,
    effect.paid.plus(effect.granted).toFixed(),
    effect.paid.toFixed(),
    effect.granted.toFixed(),
    row.paid.toFixed(),
    row.granted.toFixed(),
    effect.reference,
    recorded.recordedAt,
  ]);
}

/** Writes what the batch touched: accounts and grants once each, all in multi-row statements. */
async function flush(b: Batch): Promise<void> {
  const { tx } = b;
  const accounts: SqlValue[][] = [];
  for (const [number, a] of b.accounts)
    if (a)
      accounts.push([
        number,
        a.accountId,
        a.currency,
        a.status,
        a.paid.toFixed(),
        a.granted.toFixed(),
        a.reserved.toFixed(),
        a.lastPosition,
        a.updatedAt,
      ]);
  await insertRows(
    tx,
    'wallet_accounts',
    ACCOUNT_COLUMNS,
    accounts,
    `ON CONFLICT (number) DO UPDATE SET status = excluded.status, paid = excluded.paid, granted = excluded.granted,
     reserved = excluded.reserved, last_position = excluded.last_position, updated_at = excluded.updated_at`,
  );
  const grants = [...b.dirtyGrants].map((key) => {
    const [number, grantId] = JSON.parse(key) as [string, string];
    const g = b.grants.get(key)!;
    return [number, grantId, g.amount, g.remaining.toFixed(), g.expiresAt, g.restriction, g.reason, g.grantedAt];
  });
  await insertRows(
    tx,
    'wallet_grants',
    GRANT_COLUMNS,
    grants,
    'ON CONFLICT (number, grant_id) DO UPDATE SET remaining = excluded.remaining',
  );
  const open = [...b.reservations.values()].filter((r) => r.expiresAt !== null);
  const closed = [...b.reservations.values()].filter((r) => r.expiresAt === null);
  await deleteKeys(
    tx,
    'wallet_reservations',
    ['number', 'call_id'],
    closed.map((r) => [r.number, r.callId]),
  );
  await insertRows(
    tx,
    'wallet_reservations',
    ['number', 'call_id', 'expires_at'],
    open.map((r) => [r.number, r.callId, r.expiresAt]),
    'ON CONFLICT (number, call_id) DO UPDATE SET expires_at = excluded.expires_at',
  );
  await insertRows(tx, 'wallet_ledger', LEDGER_COLUMNS, b.ledger);
}

/** Folds a batch in memory, then writes it. Equal to applying the events one by one. */
async function applyBatch(events: readonly RecordedEvent[], tx: SqlTx): Promise<void> {
  const b: Batch = { tx, accounts: new Map(), grants: new Map(), dirtyGrants: new Set(), ledger: [], reservations: new Map() };
  await loadAccounts(b, events);
  for (const recorded of events) await foldEvent(b, recorded);
  await flush(b);
}

async function createTables(tx: SqlTx): Promise<void> {
  await tx.run(`CREATE TABLE IF NOT EXISTS wallet_accounts (
    number TEXT PRIMARY KEY, account_id TEXT NOT NULL, currency TEXT NOT NULL, status TEXT NOT NULL,
    paid TEXT NOT NULL, granted TEXT NOT NULL, reserved TEXT NOT NULL, last_position BIGINT NOT NULL, updated_at TEXT NOT NULL)`);
  await tx.run(`CREATE TABLE IF NOT EXISTS wallet_grants (
    number TEXT NOT NULL, grant_id TEXT NOT NULL, amount TEXT NOT NULL, remaining TEXT NOT NULL,
    expires_at TEXT, restriction TEXT, reason TEXT NOT NULL, granted_at TEXT NOT NULL, PRIMARY KEY (number, grant_id))`);
  await tx.run('CREATE INDEX IF NOT EXISTS wallet_grants_expiry ON wallet_grants (expires_at)');
  await tx.run(`CREATE TABLE IF NOT EXISTS wallet_ledger (
    position BIGINT PRIMARY KEY, number TEXT NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL,
    amount TEXT NOT NULL, paid_change TEXT NOT NULL, granted_change TEXT NOT NULL,
    paid_after TEXT NOT NULL, granted_after TEXT NOT NULL, reference TEXT NOT NULL, recorded_at TEXT NOT NULL)`);
  await tx.run('CREATE INDEX IF NOT EXISTS wallet_ledger_account ON wallet_ledger (number, position)');
  await tx.run(`CREATE TABLE IF NOT EXISTS wallet_reservations (
    number TEXT NOT NULL, call_id TEXT NOT NULL, expires_at TEXT NOT NULL, PRIMARY KEY (number, call_id))`);
  await tx.run('CREATE INDEX IF NOT EXISTS wallet_reservations_expiry ON wallet_reservations (expires_at)');
}

/**
 * Per account: paid and granted credit, each grant's remainder, and the ledger with running
 * balances. Decimal strings throughout (TEXT columns), so no database arithmetic rounds money.
 */
export const balancesProjection: Projection = {
  name: 'balances',
  // 2: reservations (the reserved column)
  version: 2,
  handles: [...ACCOUNT_TYPES, ...MONEY_EVENT_TYPES, 'CallFailed'],
  setup: createTables,
  async reset(tx) {
    // dropped, not emptied: a new version may change the columns
    for (const table of ['wallet_reservations', 'wallet_ledger', 'wallet_grants', 'wallet_accounts'])
      await tx.run(`DROP TABLE IF EXISTS ${table}`);
    await createTables(tx);
  },
  apply: (event, tx) => applyBatch([event], tx),
  applyBatch,
};
