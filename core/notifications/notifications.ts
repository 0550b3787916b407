import type { JsonObject } from '../json';
import type { Decimal } from '../money';
import type { AccountStreamEvent } from '../wallet';

/** What the engine tells a provider's systems (and, later, client apps) about an account. */
export const NOTIFICATION_TYPES = [
  'balance.low',
  'topup.succeeded',
  'topup.failed',
  'account.suspended',
  'account.reinstated',
  'account.closed',
  'grant.expiring',
  'call.refused',
  'fraud.suspected',
  'fraud.cleared',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** Told to the provider's endpoints only, never to the account's own app: a fraudster is not tipped off. */
export const OPERATOR_ONLY: ReadonlySet<NotificationType> = new Set(['fraud.suspected', 'fraud.cleared']);

export interface Notification {
  readonly type: NotificationType;
  readonly data: JsonObject;
}

/** An account's credit on the ledger (paid plus granted, holds not counted) before and after an event. */
export interface BalanceStep {
  readonly before: Decimal;
  readonly after: Decimal;
  readonly currency: string;
}

/**
 * The notifications one event of an account's stream gives. `balance.low` fires when the ledger
 * balance goes from at or above the threshold to below it; holds for calls in progress do not
 * count, so a call authorized near the threshold does not fire and re-arm it on every call.
 */
export function notificationsOf(
  e: AccountStreamEvent,
  number: string,
  step: BalanceStep | null,
  threshold: Decimal | null,
): Notification[] {
  const out: Notification[] = [];
  const account = { number, accountId: e.data.accountId };
  if (step && threshold && step.before.gte(threshold) && step.after.lt(threshold))
    out.push({
      type: 'balance.low',
      data: { ...account, balance: step.after.toFixed(), threshold: threshold.toFixed(), currency: step.currency },
    });
  switch (e.type) {
    case 'CreditPurchased':
      out.push({
        type: 'topup.succeeded',
        data: { ...account, paymentId: e.data.paymentId, processor: e.data.processor, credit: e.data.credit, currency: e.data.currency },
      });
      break;
    case 'TopUpFailed':
      out.push({
        type: 'topup.failed',
        data: { ...account, paymentId: e.data.paymentId, processor: e.data.processor, reason: e.data.reason },
      });
      break;
    case 'AutoTopUpFailed':
      // the processor's own failure of the payment, if any, came as TopUpFailed just before
      out.push({
        type: 'topup.failed',
        data: {
          ...account,
          paymentId: e.data.paymentId,
          autoTopUp: e.data.triggerId,
          code: e.data.code,
          reason: e.data.reason,
          autoTopUpDisabled: true,
        },
      });
      break;
    case 'AccountSuspended':
      out.push({ type: 'account.suspended', data: { ...account, reason: e.data.reason } });
      break;
    case 'AccountReinstated':
      out.push({ type: 'account.reinstated', data: account });
      break;
    case 'AccountClosed':
      out.push({ type: 'account.closed', data: { ...account, reason: e.data.reason } });
      break;
    case 'CallRefused':
      out.push({
        type: 'call.refused',
        data: { ...account, callId: e.data.callId, destination: e.data.destination, reason: e.data.reason },
      });
      break;
    case 'FraudSuspected':
      out.push({
        type: 'fraud.suspected',
        data: { ...account, suspicionId: e.data.suspicionId, rule: e.data.rule, summary: e.data.summary, at: e.data.at },
      });
      break;
    case 'FraudCleared':
      out.push({ type: 'fraud.cleared', data: { ...account, suspicionIds: e.data.suspicionIds, by: e.data.by, note: e.data.note } });
      break;
    default:
      // money events only move the balance (above); the rest tell nobody anything
      break;
  }
  return out;
}
