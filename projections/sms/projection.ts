import { accountStreamCodec, type AccountStreamEvent } from '../../core/wallet';
import { smsGatewayEvents } from '../../core/sms/events';
import { eventCodec } from '../../core/events/codec';
import type { RecordedEvent } from '../../core/events/envelope';
import type { Projection } from '../../application/ports/projection';
import type { SqlTx } from '../../application/ports/read-model-store';
import { isSettingEvent } from '../../core/wallet/setting-events';

const gatewayCodec = eventCodec(smsGatewayEvents);
const ACCOUNT_TYPES = ['SmsAccepted', 'SmsSubmitted', 'SmsFailed', 'SmsReceiptRecorded', 'SmsDelivered', 'SmsRefunded'];

/**
 * Every text and its status (accepted → submitted → delivered or refunded; accepted → failed),
 * the gateway message ids that lead receipts back to it, and receipts no text matched.
 */
export const smsProjection: Projection = {
  name: 'sms',
  version: 2,
  handles: [...ACCOUNT_TYPES, 'SmsReceiptUnmatched'],
  async setup(tx) {
    await tx.run(`CREATE TABLE IF NOT EXISTS sms_messages (
      sms_id TEXT PRIMARY KEY, number TEXT NOT NULL, account_id TEXT NOT NULL, recipient TEXT NOT NULL,
      encoding TEXT NOT NULL, segments INTEGER NOT NULL, characters INTEGER NOT NULL, price TEXT NOT NULL,
      currency TEXT NOT NULL, status TEXT NOT NULL, gateway_id TEXT, failed_over TEXT NOT NULL, reason TEXT,
      refunded TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, position INTEGER NOT NULL)`);
    await tx.run('CREATE INDEX IF NOT EXISTS sms_messages_status ON sms_messages (status, created_at)');
    await tx.run('CREATE INDEX IF NOT EXISTS sms_messages_time ON sms_messages (created_at, sms_id)');
    await tx.run('CREATE INDEX IF NOT EXISTS sms_messages_number_time ON sms_messages (number, created_at, sms_id)');
    await tx.run(`CREATE TABLE IF NOT EXISTS sms_status_history (
      sms_id TEXT NOT NULL, position INTEGER NOT NULL, status TEXT NOT NULL, at TEXT NOT NULL, detail TEXT,
      PRIMARY KEY (sms_id, position))`);
    await tx.run(`CREATE TABLE IF NOT EXISTS sms_parts (
      gateway_id TEXT NOT NULL, message_id TEXT NOT NULL, sms_id TEXT NOT NULL, number TEXT NOT NULL, status TEXT NOT NULL,
      PRIMARY KEY (gateway_id, message_id))`);
    await tx.run(`CREATE TABLE IF NOT EXISTS sms_unmatched_receipts (
      gateway_id TEXT NOT NULL, message_id TEXT NOT NULL, status TEXT NOT NULL, at TEXT NOT NULL, position INTEGER NOT NULL,
      PRIMARY KEY (gateway_id, message_id, status))`);
  },
  async reset(tx) {
    for (const t of ['sms_messages', 'sms_parts', 'sms_unmatched_receipts', 'sms_status_history']) await tx.run(`DELETE FROM ${t}`);
  },
  async apply(recorded, tx) {
    if (recorded.type === 'SmsReceiptUnmatched') return applyUnmatched(recorded, tx);
    return applyAccountEvent(accountStreamCodec.decode(recorded), recorded, tx);
  },
};

async function applyUnmatched(recorded: RecordedEvent, tx: SqlTx): Promise<void> {
  const e = gatewayCodec.decode(recorded);
  await tx.run(
    `INSERT INTO sms_unmatched_receipts (gateway_id, message_id, status, at, position) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (gateway_id, message_id, status) DO NOTHING`,
    [e.data.gatewayId, e.data.messageId, e.data.status, e.data.at, recorded.position],
  );
}

/** A step of a text's life, with what it names (the gateway, a failure's reason, a receipt's message id). */
async function history(tx: SqlTx, smsId: string, position: number, status: string, at: string, detail: string | null): Promise<void> {
  await tx.run(
    'INSERT INTO sms_status_history (sms_id, position, status, at, detail) VALUES (?, ?, ?, ?, ?) ON CONFLICT (sms_id, position) DO NOTHING',
    [smsId, position, status, at, detail],
  );
}

type SmsAccepted = Extract<AccountStreamEvent, { type: 'SmsAccepted' }>;

async function insertAccepted(e: SmsAccepted, number: string, position: number, tx: SqlTx): Promise<void> {
  await tx.run(
    `INSERT INTO sms_messages (sms_id, number, account_id, recipient, encoding, segments, characters, price, currency, status,
       gateway_id, failed_over, created_at, updated_at, position)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'accepted', NULL, '[]', ?, ?, ?) ON CONFLICT (sms_id) DO NOTHING`,
    [
      e.data.smsId,
      number,
      e.data.accountId,
      e.data.to,
      e.data.encoding,
      e.data.segments,
      e.data.characters,
      e.data.amount,
      e.data.currency,
      e.data.at,
      e.data.at,
      position,
    ],
  );
}

async function applyAccountEvent(e: AccountStreamEvent, recorded: RecordedEvent, tx: SqlTx): Promise<void> {
  const number = recorded.stream.slice('account-'.length);
  const status = async (smsId: string, value: string, at: string, extra = '', params: (string | null)[] = []) => {
    await tx.run(`UPDATE sms_messages SET status = ?, updated_at = ?, position = ?${extra} WHERE sms_id = ?`, [
      value,
      at,
      recorded.position,
      ...params,
      smsId,
    ]);
    await history(tx, smsId, recorded.position, value, at, params[0] ?? null);
  };
  switch (e.type) {
    case 'SmsAccepted':
      await insertAccepted(e, number, recorded.position, tx);
      return history(tx, e.data.smsId, recorded.position, 'accepted', e.data.at, null);
    case 'SmsSubmitted':
      for (const id of e.data.messageIds)
        await tx.run(
          `INSERT INTO sms_parts (gateway_id, message_id, sms_id, number, status) VALUES (?, ?, ?, ?, 'submitted')
           ON CONFLICT (gateway_id, message_id) DO NOTHING`,
          [e.data.gatewayId, id, e.data.smsId, number],
        );
      await status(e.data.smsId, 'submitted', e.data.at, ', gateway_id = ?, failed_over = ?', [
        e.data.gatewayId,
        JSON.stringify(e.data.failedOver),
      ]);
      return;
    case 'SmsFailed':
      await status(e.data.smsId, 'failed', e.data.at, ', reason = ?, failed_over = ?', [e.data.reason, JSON.stringify(e.data.attempts)]);
      return;
    case 'SmsReceiptRecorded':
      await tx.run('UPDATE sms_parts SET status = ? WHERE gateway_id = ? AND message_id = ?', [
        e.data.status,
        e.data.gatewayId,
        e.data.messageId,
      ]);
      return history(tx, e.data.smsId, recorded.position, `receipt:${e.data.status}`, e.data.at, e.data.messageId);
    case 'SmsDelivered':
      await status(e.data.smsId, 'delivered', e.data.at);
      return;
    case 'SmsRefunded':
      await status(e.data.smsId, 'refunded', e.data.at, ', reason = ?, refunded = ?', [e.data.reason, e.data.amount]);
      return;
    // the rest move nothing this read model keeps
    case 'CreditPurchased':
    case 'CreditRefunded':
    case 'ChargebackDebited':
    case 'ChargebackReversed':
    case 'CreditGranted':
    case 'CreditExpired':
    case 'VoucherRedeemed':
    case 'WalletCharged':
    case 'CallCharged':
    case 'CallRerated':
    case 'SmsCharged':
    case 'CallAuthorized':
    case 'CallExtended':
    case 'ReservationReleased':
    case 'ReservationExpired':
    case 'AccountOpened':
    case 'AccountSuspended':
    case 'AccountReinstated':
    case 'AccountClosed':
    case 'LowBalanceThresholdSet':
    case 'CallRefused':
    case 'EmergencyCallAuthorized':
    case 'PeerCallReceived':
    case 'TopUpStarted':
    case 'TopUpFailed':
    case 'TopUpMismatch':
    case 'CallFailed':
    case 'CarrierCostRecorded':
    case 'CdrUnmatched':
    case 'ChargeShortfall':
    case 'ReversalUncovered':
      return;
    default:
      // every event type is listed above or is a setting's (this does not compile otherwise)
      if (!isSettingEvent(e)) return e satisfies never;
  }
}
