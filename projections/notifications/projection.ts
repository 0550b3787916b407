import { deriveId } from '../../core/ids';
import { Decimal } from '../../core/money';
import { notificationsOf, OPERATOR_ONLY, type Notification, type NotificationType } from '../../core/notifications/notifications';
import { accountStreamCodec } from '../../core/wallet';
import { LEDGER_EVENT_TYPES, moneyEffect } from '../../core/wallet/money-effect';
import type { RecordedEvent } from '../../core/events/envelope';
import type { Projection } from '../../application/ports/projection';
import type { SqlTx } from '../../application/ports/read-model-store';
import { createOutbox } from './outbox';

export interface NotificationSettings {
  readonly endpoints: readonly { readonly id: string; readonly events?: readonly NotificationType[] }[];
  /** Per currency, the ledger balance below which `balance.low` fires. */
  readonly thresholds: Readonly<Record<string, string>>;
  /** Events older than this when first projected notify nobody. */
  readonly maxAgeHours: number;
  /** Whether client apps' own endpoints (registered through the API) are told their account's notifications. */
  readonly clientEndpoints: boolean;
  readonly now: () => Date;
}

interface BalanceRow {
  currency: string;
  balance: string;
  threshold: string | null;
}

/**
 * Turns the log into notifications: each one is written to the webhook outbox, once per endpoint
 * that wants its type, in the transaction that moves this projection's checkpoint, so a crash
 * neither loses nor doubles one. The outbox row's id (the `webhook-id`) derives from the event,
 * the endpoint and the type: a rebuild finds the rows already there and sends nothing again.
 */
export function notificationsProjection(settings: NotificationSettings): Projection {
  const thresholds = new Map(Object.entries(settings.thresholds).map(([c, t]) => [c, new Decimal(t)]));
  return {
    name: 'notifications',
    // 2: the account's own threshold; 3: auto top-up failures, client endpoints
    version: 3,
    handles: [
      ...LEDGER_EVENT_TYPES,
      'AccountOpened',
      'AccountSuspended',
      'AccountReinstated',
      'AccountClosed',
      'TopUpFailed',
      'AutoTopUpFailed',
      'LowBalanceThresholdSet',
      'CallRefused',
      'FraudSuspected',
      'FraudCleared',
      'ClientWebhookSet',
      'ClientWebhookRemoved',
    ],
    async setup(tx) {
      await tx.run(
        'CREATE TABLE IF NOT EXISTS notify_accounts (number TEXT PRIMARY KEY, currency TEXT NOT NULL, balance TEXT NOT NULL, threshold TEXT)',
      );
      await createOutbox(tx);
      await createClientEndpoints(tx);
    },
    async reset(tx) {
      // the outbox stays: what was sent (or is due) is not the projection's to forget
      await tx.run('DELETE FROM notify_accounts');
      await tx.run('DELETE FROM notify_client_webhooks');
    },
    async apply(recorded, tx) {
      const e = accountStreamCodec.decode(recorded);
      const number = recorded.stream.slice('account-'.length);
      if (e.type === 'AccountOpened') {
        await tx.run('INSERT INTO notify_accounts (number, currency, balance) VALUES (?, ?, ?) ON CONFLICT (number) DO NOTHING', [
          number,
          e.data.currency,
          '0',
        ]);
        return;
      }
      if (e.type === 'ClientWebhookSet' || e.type === 'ClientWebhookRemoved') {
        await (e.type === 'ClientWebhookSet'
          ? tx.run(
              'INSERT INTO notify_client_webhooks (number, url, version) VALUES (?, ?, ?) ON CONFLICT (number) DO UPDATE SET url = excluded.url, version = excluded.version',
              [number, e.data.url, e.data.version],
            )
          : tx.run('DELETE FROM notify_client_webhooks WHERE number = ?', [number]));
        return;
      }
      if (e.type === 'LowBalanceThresholdSet') {
        await tx.run('UPDATE notify_accounts SET threshold = ? WHERE number = ?', [e.data.threshold, number]);
        return;
      }
      const row = await tx.get<BalanceRow>('SELECT currency, balance, threshold FROM notify_accounts WHERE number = ?', [number]);
      const effect = moneyEffect(e);
      let step = null;
      if (row && effect) {
        const before = new Decimal(row.balance);
        const after = before.plus(effect.paid).plus(effect.granted);
        if (!after.eq(before)) await tx.run('UPDATE notify_accounts SET balance = ? WHERE number = ?', [after.toFixed(), number]);
        step = { before, after, currency: row.currency };
      }
      // the account's own threshold, else the provider's for its currency
      const threshold = row ? (row.threshold !== null ? new Decimal(row.threshold) : (thresholds.get(row.currency) ?? null)) : null;
      const client = settings.clientEndpoints
        ? await tx.get<{ number: string }>('SELECT number FROM notify_client_webhooks WHERE number = ?', [number])
        : undefined;
      const endpoints = client ? [...settings.endpoints, { id: clientEndpointId(number) }] : settings.endpoints;
      await enqueue(tx, endpoints, settings, recorded, notificationsOf(e, number, step, threshold));
    },
  };
}

/** The outbox's name for a client app's endpoint: its account's number. */
export const clientEndpointId = (number: string) => `account:${number}`;

/** Client apps' endpoints, as their accounts last registered them (the secret derives from the version). */
export async function createClientEndpoints(tx: SqlTx): Promise<void> {
  await tx.run('CREATE TABLE IF NOT EXISTS notify_client_webhooks (number TEXT PRIMARY KEY, url TEXT NOT NULL, version INTEGER NOT NULL)');
}

async function enqueue(
  tx: SqlTx,
  endpoints: NotificationSettings['endpoints'],
  settings: NotificationSettings,
  recorded: RecordedEvent,
  notifications: readonly Notification[],
): Promise<void> {
  if (notifications.length === 0) return;
  const now = settings.now();
  if (Date.parse(recorded.recordedAt) < now.getTime() - settings.maxAgeHours * 3_600_000) return;
  for (const n of notifications)
    for (const endpoint of endpoints) {
      if (endpoint.events && !endpoint.events.includes(n.type)) continue;
      if (OPERATOR_ONLY.has(n.type) && endpoint.id.startsWith(clientEndpointId(''))) continue;
      const id = `msg_${deriveId('webhook', recorded.id, endpoint.id, n.type)}`;
      const payload = JSON.stringify({ type: n.type, timestamp: recorded.recordedAt, data: n.data });
      await tx.run(
        `INSERT INTO webhook_outbox (id, endpoint, type, payload, event_position, status, attempts, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (id) DO NOTHING`,
        [id, endpoint.id, n.type, payload, recorded.position, now.toISOString(), now.toISOString()],
      );
    }
}
