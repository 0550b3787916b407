import { deriveId } from '../../core/ids';
import { InvalidEventError } from '../../core/events/codec';
import { RECEIPT_STATUSES } from '../../core/sms/commands';
import { smsGatewayStream } from '../../core/sms/events';
import type { SmsReceipt } from '../../core/sms/gateway';
import { recordRejectedFact } from '../facts/rejected-facts';
import type { SmsServiceDeps } from './deps';
import type { RecentSubmissions } from './recent-submissions';

/** A receipt that cannot be recorded (a status no text can have): kept for review, refunding nothing. */
async function rejectReceipt(deps: SmsServiceDeps, r: SmsReceipt, reason: string): Promise<void> {
  deps.logger.error({ gateway: r.gatewayId, messageId: r.messageId, reason }, 'receipt rejected; kept for review');
  const status = String(r.status);
  await recordRejectedFact(deps.store, {
    source: `sms-gateway:${r.gatewayId}`,
    externalId: r.messageId,
    key: [status],
    reason,
    raw: JSON.stringify({ messageId: r.messageId, status, error: r.error, at: r.at, raw: r.raw }),
    at: deps.clock.now(),
  });
}

async function recordUnmatched(deps: SmsServiceDeps, r: SmsReceipt): Promise<void> {
  deps.logger.warn({ gateway: r.gatewayId, messageId: r.messageId, status: r.status }, 'receipt for an unknown message: kept for review');
  await deps.store.append(
    smsGatewayStream(r.gatewayId),
    [
      {
        id: deriveId('sms-receipt-unmatched', r.gatewayId, r.messageId, r.status),
        type: 'SmsReceiptUnmatched',
        schemaVersion: 1,
        data: { gatewayId: r.gatewayId, messageId: r.messageId, status: r.status, raw: { ...r.raw }, at: r.at },
        metadata: { actor: `sms-gateway:${r.gatewayId}` },
      },
    ],
    'any',
  );
}

async function recordReceipt(deps: SmsServiceDeps, recent: RecentSubmissions, r: SmsReceipt): Promise<void> {
  // a receipt read from the same packet as its submit_sm_resp runs before the submit's continuation: let that run first
  if (!recent.ownerOf(r.gatewayId, r.messageId)) await new Promise((resolve) => setImmediate(resolve));
  const owner = recent.ownerOf(r.gatewayId, r.messageId) ?? (await deps.findOwner(r.gatewayId, r.messageId));
  if (!owner) return recordUnmatched(deps, r);
  await recent.recordingOf(owner.smsId)?.catch(() => undefined);
  await deps.wallet.execute(
    owner.number,
    {
      type: 'record-sms-receipt',
      data: {
        smsId: owner.smsId,
        gatewayId: r.gatewayId,
        messageId: r.messageId,
        status: r.status,
        error: r.error,
        at: r.at,
      },
    },
    `sms-gateway:${r.gatewayId}`,
  );
}

/** Delivery receipts from the gateways: recorded on the sender's account, refunding a failed text. */
export function smsReceipts(deps: SmsServiceDeps, recent: RecentSubmissions) {
  return {
    async receipt(r: SmsReceipt): Promise<void> {
      // a gateway adapter's word for the status, not checked by the type system at run time
      if (!RECEIPT_STATUSES.includes(r.status))
        return rejectReceipt(deps, r, `status ${JSON.stringify(String(r.status))} is not one of ${RECEIPT_STATUSES.join(', ')}`);
      try {
        await recordReceipt(deps, recent, r);
      } catch (error) {
        if (!(error instanceof InvalidEventError)) throw error;
        await rejectReceipt(deps, r, error.message);
      }
    },
  };
}
