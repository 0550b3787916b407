import { deriveId } from '../ids';
import { Decimal, parseDecimal } from '../money';
import { failedTopUp } from '../auto-top-up/decide';
import type { WalletCommand } from './commands';
import type { AccountStreamEvent } from './events';
import type { PaymentRecord, WalletState } from './state';
import { needAccount, needCurrency, positive } from './checks';

/** The wallet's decisions on what a payment processor reports: a top-up started, paid, failed, refunded, disputed. */
export function onStartTopUp(c: WalletCommand & { readonly type: 'start-top-up' }, s: WalletState): AccountStreamEvent[] {
  // an auto top-up's payment is made by the time it is recorded: a suspension meanwhile does not unmake it
  needAccount(s, c.data.autoTopUp === undefined);
  needCurrency(s, c.data.currency);
  positive(c.data.amount, 'a top-up');
  positive(c.data.credit, 'the credit');
  if (s.payments[c.data.paymentId]?.started) return [];
  return [
    {
      type: 'TopUpStarted',
      id: deriveId('top-up-started', c.data.processor, c.data.paymentId),
      data: { accountId: s.accountId, ...c.data },
    },
  ];
}

export function onRecordPurchase(c: WalletCommand & { readonly type: 'record-purchase' }, s: WalletState): AccountStreamEvent[] {
  needAccount(s, false);
  const p = s.payments[c.data.paymentId];
  if (p?.settled) return [];
  const fact = { processor: c.data.processor, paymentId: c.data.paymentId, processorEventId: c.data.processorEventId };
  const received = { amount: parseDecimal(c.data.amount).toFixed(), currency: c.data.currency };
  const expected = p?.started ? { amount: p.started.amount, currency: s.currency } : null;
  const matches = c.data.currency === s.currency && (expected === null || new Decimal(expected.amount).equals(received.amount));
  if (!matches) {
    return [
      {
        type: 'TopUpMismatch',
        id: deriveId('top-up-mismatch', c.data.processor, c.data.paymentId),
        data: { accountId: s.accountId, ...fact, expected, received },
      },
    ];
  }
  // a payment this engine did not start (no TopUpStarted) still paid for this account: credit it 1:1
  const credit = p?.started?.credit ?? received.amount;
  return [
    {
      type: 'CreditPurchased',
      id: deriveId('credit-purchased', c.data.processor, c.data.paymentId),
      data: {
        accountId: s.accountId,
        ...fact,
        amount: received.amount,
        credit,
        currency: c.data.currency,
        ...(c.data.autoTopUp !== undefined ? { autoTopUp: c.data.autoTopUp } : {}),
      },
    },
  ];
}

/** A payment failed; when it was an auto top-up's, that top-up failed too and auto top-up turns off. */
export function onRecordPaymentFailure(
  c: WalletCommand & { readonly type: 'record-payment-failure' },
  s: WalletState,
): AccountStreamEvent[] {
  needAccount(s, false);
  const failed: AccountStreamEvent = {
    type: 'TopUpFailed',
    id: deriveId('top-up-failed', c.data.processor, c.data.processorEventId),
    data: {
      accountId: s.accountId,
      processor: c.data.processor,
      paymentId: c.data.paymentId,
      processorEventId: c.data.processorEventId,
      reason: c.data.reason,
    },
  };
  const pending = s.autoTopUp.pending;
  if (pending?.paymentId !== c.data.paymentId) return [failed];
  return [
    failed,
    ...failedTopUp(s, { triggerId: pending.triggerId, paymentId: c.data.paymentId, code: 'payment_failed', reason: c.data.reason }),
  ];
}

/** The processor's fact as every payment event records it: the account, the processor, the payment and the event that told. */
const factOf = (d: { processor: string; paymentId: string; processorEventId: string }, s: WalletState) => ({
  accountId: s.accountId,
  processor: d.processor,
  paymentId: d.paymentId,
  processorEventId: d.processorEventId,
});

export function onRecordRefund(c: WalletCommand & { readonly type: 'record-refund' }, s: WalletState): AccountStreamEvent[] {
  needAccount(s, false);
  needCurrency(s, c.data.currency);
  const total = parseDecimal(c.data.refundedTotal);
  const p = s.payments[c.data.paymentId];
  const seen = p?.refunded ?? new Decimal(0);
  // the processor reports a running total: only its growth is new, whatever order events arrive in
  if (!total.greaterThan(seen)) return [];
  const { debit, uncovered } = splitReversal(total.minus(seen), p);
  const fact = factOf(c.data, s);
  const events: AccountStreamEvent[] = [];
  if (debit.greaterThan(0))
    events.push({
      type: 'CreditRefunded',
      id: deriveId('credit-refunded', c.data.processor, c.data.paymentId, total.toFixed()),
      data: { ...fact, amount: debit.toFixed(), currency: c.data.currency, refundedTotal: total.toFixed() },
    });
  if (uncovered.greaterThan(0))
    events.push({
      type: 'ReversalUncovered',
      id: deriveId('reversal-uncovered', c.data.processor, c.data.paymentId, total.toFixed()),
      data: {
        ...fact,
        kind: 'refund',
        disputeId: null,
        amount: uncovered.toFixed(),
        currency: c.data.currency,
        refundedTotal: total.toFixed(),
      },
    });
  return events;
}

export function onRecordChargeback(c: WalletCommand & { readonly type: 'record-chargeback' }, s: WalletState): AccountStreamEvent[] {
  needAccount(s, false);
  needCurrency(s, c.data.currency);
  const amount = positive(c.data.amount, 'a dispute');
  if (s.disputes[c.data.disputeId]?.debited) return [];
  const { debit, uncovered } = splitReversal(amount, s.payments[c.data.paymentId]);
  const fact = factOf(c.data, s);
  const events: AccountStreamEvent[] = [];
  if (debit.greaterThan(0))
    events.push({
      type: 'ChargebackDebited',
      id: deriveId('chargeback-debited', c.data.processor, c.data.disputeId),
      data: { ...fact, disputeId: c.data.disputeId, amount: debit.toFixed(), currency: c.data.currency },
    });
  if (uncovered.greaterThan(0))
    events.push({
      type: 'ReversalUncovered',
      id: deriveId('reversal-uncovered', c.data.processor, c.data.disputeId),
      data: {
        ...fact,
        kind: 'chargeback',
        disputeId: c.data.disputeId,
        amount: uncovered.toFixed(),
        currency: c.data.currency,
        refundedTotal: null,
      },
    });
  return events;
}

export function onReverseChargeback(c: WalletCommand & { readonly type: 'reverse-chargeback' }, s: WalletState): AccountStreamEvent[] {
  needAccount(s, false);
  needCurrency(s, c.data.currency);
  const d = s.disputes[c.data.disputeId];
  if (d?.reversed) return [];
  // after the debit, give back what it took from the customer; before it (events out of order),
  // the disputed amount, which the debit will then take back in full
  const amount = d?.debited ? new Decimal(d.debitedAmount) : positive(c.data.amount, 'a dispute');
  if (!amount.greaterThan(0)) return [];
  const data = {
    accountId: s.accountId,
    processor: c.data.processor,
    paymentId: c.data.paymentId,
    processorEventId: c.data.processorEventId,
    disputeId: c.data.disputeId,
    amount: amount.toFixed(),
    currency: c.data.currency,
  };
  return [{ type: 'ChargebackReversed', id: deriveId('chargeback-reversed', c.data.processor, c.data.disputeId), data }];
}

/**
 * Once its payment is settled, a refund or chargeback takes back at most what the payment
 * credited and is not yet taken back (nothing, for a mismatch); the rest is uncovered: the
 * provider's loss, recorded for finance, never the customer's debt. Before the payment settles
 * (the processor's events arrive in any order) it is taken in full, and the success that
 * follows credits the payment in full.
 */
function splitReversal(amount: Decimal, payment: PaymentRecord | undefined): { debit: Decimal; uncovered: Decimal } {
  if (!payment?.settled) return { debit: amount, uncovered: new Decimal(0) };
  const left = Decimal.max(new Decimal(payment.credited).minus(payment.reversed), 0);
  const debit = Decimal.min(amount, left);
  return { debit, uncovered: amount.minus(debit) };
}
