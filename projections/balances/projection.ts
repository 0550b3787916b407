import type { RecordedEvent } from '../../core/events/envelope';
import { Decimal } from '../../core/money';
import { accountStreamCodec, ledgerEffect, type AccountStreamEvent } from '../../core/wallet';
import type { Projection } from '../projection';
import type { SqlTx } from '../read-model-store';

const ACCOUNT_TYPES = ['AccountOpened', 'AccountSuspended', 'AccountReinstated', 'AccountClosed'];
const MONEY_TYPES = [
  'CreditPurchased',
  'CreditRefunded',
  'ChargebackDebited',
  'ChargebackReversed',
  'CreditGranted',
  'CreditExpired',
  'VoucherRedeemed',
  'WalletCharged',
];
const STATUS: Record<string, string> = {
  AccountOpened: 'open',
  AccountSuspended: 'suspended',
  AccountReinstated: 'open',
  AccountClosed: 'closed',
};

interface Row {
  number: string;
  paid: string;
  granted: string;
}

async function applyOne(recorded: RecordedEvent, tx: SqlTx): Promise<void> {
  const e = accountStreamCodec.decode(recorded) as AccountStreamEvent;
  const number = recorded.stream.slice('account-'.length);
  if (e.type === 'AccountOpened') {
    await tx.run(
      `INSERT INTO wallet_accounts (number, account_id, currency, status, paid, granted, last_position, updated_at)
       VALUES (?, ?, ?, 'open', '0', '0', ?, ?) ON CONFLICT (number) DO NOTHING`,
      [number, e.data.accountId, e.data.currency, recorded.position, recorded.recordedAt],
    );
    return;
  }
  if (STATUS[e.type]) {
    await tx.run('UPDATE wallet_accounts SET status = ?, last_position = ?, updated_at = ? WHERE number = ?', [
      STATUS[e.type]!,
      recorded.position,
      recorded.recordedAt,
      number,
    ]);
    return;
  }
  const effect = ledgerEffect(e);
  if (!effect) return;
  const row = await tx.get<Row>('SELECT number, paid, granted FROM wallet_accounts WHERE number = ?', [number]);
  if (!row) throw new Error(`balances: ${recorded.type} at position ${recorded.position} for ${number}, which was never opened`);
  const paid = new Decimal(row.paid).plus(effect.paid);
  const granted = new Decimal(row.granted).plus(effect.granted);
  await tx.run('UPDATE wallet_accounts SET paid = ?, granted = ?, last_position = ?, updated_at = ? WHERE number = ?', [
    paid.toFixed(),
    granted.toFixed(),
    recorded.position,
    recorded.recordedAt,
    number,
  ]);
  if (effect.newGrant) {
    const g = effect.newGrant;
    await tx.run(
      `INSERT INTO wallet_grants (number, grant_id, amount, remaining, expires_at, restriction, reason, granted_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        number,
        g.grantId,
        g.amount.toFixed(),
        g.amount.toFixed(),
        g.expiresAt,
        g.restriction ? JSON.stringify(g.restriction) : null,
        g.reason,
        recorded.recordedAt,
      ],
    );
  }
  for (const c of effect.grantChanges) {
    const grant = await tx.get<{ remaining: string }>('SELECT remaining FROM wallet_grants WHERE number = ? AND grant_id = ?', [
      number,
      c.grantId,
    ]);
    if (!grant) throw new Error(`balances: ${recorded.type} at position ${recorded.position} spends unknown grant ${c.grantId}`);
    await tx.run('UPDATE wallet_grants SET remaining = ? WHERE number = ? AND grant_id = ?', [
      new Decimal(grant.remaining).plus(c.change).toFixed(),
      number,
      c.grantId,
    ]);
  }
  await tx.run(
    `INSERT INTO wallet_ledger (position, number, event_id, type, amount, paid_change, granted_change, paid_after, granted_after, reference, recorded_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      recorded.position,
      number,
      recorded.id,
      recorded.type,
      effect.paid.plus(effect.granted).toFixed(),
      effect.paid.toFixed(),
      effect.granted.toFixed(),
      paid.toFixed(),
      granted.toFixed(),
      effect.reference,
      recorded.recordedAt,
    ],
  );
}

/**
 * Per account: paid and granted credit, each grant's remainder, and the ledger with running
 * balances. Decimal strings throughout (TEXT columns), so no database arithmetic rounds money.
 */
export const balancesProjection: Projection = {
  name: 'balances',
  version: 1,
  handles: [...ACCOUNT_TYPES, ...MONEY_TYPES],
  async setup(tx) {
    await tx.run(`CREATE TABLE IF NOT EXISTS wallet_accounts (
      number TEXT PRIMARY KEY, account_id TEXT NOT NULL, currency TEXT NOT NULL, status TEXT NOT NULL,
      paid TEXT NOT NULL, granted TEXT NOT NULL, last_position BIGINT NOT NULL, updated_at TEXT NOT NULL)`);
    await tx.run(`CREATE TABLE IF NOT EXISTS wallet_grants (
      number TEXT NOT NULL, grant_id TEXT NOT NULL, amount TEXT NOT NULL, remaining TEXT NOT NULL,
      expires_at TEXT, restriction TEXT, reason TEXT NOT NULL, granted_at TEXT NOT NULL, PRIMARY KEY (number, grant_id))`);
    await tx.run('CREATE INDEX IF NOT EXISTS wallet_grants_expiry ON wallet_grants (expires_at)');
    await tx.run(`CREATE TABLE IF NOT EXISTS wallet_ledger (
      position BIGINT PRIMARY KEY, number TEXT NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL,
      amount TEXT NOT NULL, paid_change TEXT NOT NULL, granted_change TEXT NOT NULL,
      paid_after TEXT NOT NULL, granted_after TEXT NOT NULL, reference TEXT NOT NULL, recorded_at TEXT NOT NULL)`);
    await tx.run('CREATE INDEX IF NOT EXISTS wallet_ledger_account ON wallet_ledger (number, position)');
  },
  async reset(tx) {
    for (const table of ['wallet_ledger', 'wallet_grants', 'wallet_accounts']) await tx.run(`DELETE FROM ${table}`);
  },
  async apply(event, tx) {
    if (!event.stream.startsWith('account-')) return;
    await applyOne(event, tx);
  },
};
