import { DomainError, type Decider } from '../decider';
import { deriveId } from '../ids';
import { Decimal, parseDecimal } from '../money';
import { allocate } from './allocation';
import { decideCall } from '../calls/decide';
import { decideSms } from '../sms/decide';
import type { WalletCommand } from './commands';
import type { AccountStreamEvent } from './events';
import { evolveWallet, initialWallet, type PaymentRecord, type WalletState } from './state';

const positive = (text: string, what: string): Decimal => {
  const d = parseDecimal(text);
  if (!d.greaterThan(0)) throw new DomainError('invalid-amount', `${what} must be more than zero`);
  return d;
};

function needAccount(s: WalletState, mustBeOpen: boolean): void {
  if (s.status === 'none') throw new DomainError('no-account', 'there is no such account');
  if (mustBeOpen && s.status !== 'open') throw new DomainError('account-not-open', `the account is ${s.status}`);
}

/** Expiry instants are kept as `toISOString()` so that they compare as text too (read models index them). */
function instant(text: string | null): string | null {
  if (text === null) return null;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new DomainError('invalid-expiry', `not an instant: ${JSON.stringify(text)}`);
  return new Date(ms).toISOString();
}

function needCurrency(s: WalletState, code: string): void {
  if (code !== s.currency) {
    throw new DomainError('currency-mismatch', `the account is kept in ${s.currency}, not ${code}`, {
      expected: s.currency,
      received: code,
    });
  }
}

function onStartTopUp(c: WalletCommand & { readonly type: 'start-top-up' }, s: WalletState): AccountStreamEvent[] {
  needAccount(s, true);
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

function onRecordPurchase(c: WalletCommand & { readonly type: 'record-purchase' }, s: WalletState): AccountStreamEvent[] {
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
      data: { accountId: s.accountId, ...fact, amount: received.amount, credit, currency: c.data.currency },
    },
  ];
}

function onRecordRefund(c: WalletCommand & { readonly type: 'record-refund' }, s: WalletState): AccountStreamEvent[] {
  needAccount(s, false);
  needCurrency(s, c.data.currency);
  const total = parseDecimal(c.data.refundedTotal);
  const p = s.payments[c.data.paymentId];
  const seen = p?.refunded ?? new Decimal(0);
  // the processor reports a running total: only its growth is new, whatever order events arrive in
  if (!total.greaterThan(seen)) return [];
  const { debit, uncovered } = splitReversal(total.minus(seen), p);
  const fact = {
    accountId: s.accountId,
    processor: c.data.processor,
    paymentId: c.data.paymentId,
    processorEventId: c.data.processorEventId,
  };
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

function onRecordChargeback(c: WalletCommand & { readonly type: 'record-chargeback' }, s: WalletState): AccountStreamEvent[] {
  needAccount(s, false);
  needCurrency(s, c.data.currency);
  const amount = positive(c.data.amount, 'a dispute');
  if (s.disputes[c.data.disputeId]?.debited) return [];
  const { debit, uncovered } = splitReversal(amount, s.payments[c.data.paymentId]);
  const fact = {
    accountId: s.accountId,
    processor: c.data.processor,
    paymentId: c.data.paymentId,
    processorEventId: c.data.processorEventId,
  };
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

function onReverseChargeback(c: WalletCommand & { readonly type: 'reverse-chargeback' }, s: WalletState): AccountStreamEvent[] {
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

function onGrant(c: WalletCommand & { readonly type: 'grant' }, s: WalletState): AccountStreamEvent[] {
  needAccount(s, true);
  needCurrency(s, c.data.currency);
  const amount = positive(c.data.amount, 'a grant').toFixed();
  if (s.grants.some((g) => g.grantId === c.data.grantId)) return [];
  return [
    {
      type: 'CreditGranted',
      id: deriveId('credit-granted', s.accountId, c.data.grantId),
      data: {
        accountId: s.accountId,
        grantId: c.data.grantId,
        expiresAt: instant(c.data.expiresAt),
        restriction: c.data.restriction,
        amount,
        currency: c.data.currency,
        reason: c.data.reason,
        source: c.data.source,
      },
    },
  ];
}

function onRedeemVoucher(c: WalletCommand & { readonly type: 'redeem-voucher' }, s: WalletState): AccountStreamEvent[] {
  needAccount(s, true);
  needCurrency(s, c.data.currency);
  const amount = positive(c.data.amount, 'a voucher').toFixed();
  if (s.vouchers[c.data.codeHash]) return [];
  if (c.data.funding === 'granted' && !c.data.grant) throw new DomainError('invalid-voucher', 'a promotional voucher needs grant terms');
  return [
    {
      // one id per code across every account: the store refuses a second account's redemption too
      type: 'VoucherRedeemed',
      id: deriveId('voucher-redeemed', c.data.codeHash),
      data: {
        accountId: s.accountId,
        codeHash: c.data.codeHash,
        batchId: c.data.batchId,
        amount,
        currency: c.data.currency,
        funding: c.data.funding,
        grant: c.data.funding === 'granted' && c.data.grant ? { ...c.data.grant, expiresAt: instant(c.data.grant.expiresAt) } : null,
      },
    },
  ];
}

function onCharge(c: WalletCommand & { readonly type: 'charge' }, s: WalletState): AccountStreamEvent[] {
  needAccount(s, false);
  needCurrency(s, c.data.currency);
  const amount = positive(c.data.amount, 'a charge');
  const split = allocate(s, amount, c.data.destination, c.data.at);
  return [
    {
      type: 'WalletCharged',
      id: deriveId('wallet-charged', c.data.chargeId),
      data: {
        accountId: s.accountId,
        chargeId: c.data.chargeId,
        kind: c.data.chargeKind,
        reference: c.data.reference,
        destination: c.data.destination,
        amount: amount.toFixed(),
        currency: c.data.currency,
        fromGrants: split.fromGrants.map((g) => ({ grantId: g.grantId, amount: g.amount.toFixed() })),
        fromPaid: split.fromPaid.toFixed(),
        at: c.data.at,
      },
    },
  ];
}

function onExpire(c: WalletCommand & { readonly type: 'expire' }, s: WalletState): AccountStreamEvent[] {
  if (s.status === 'none') return [];
  const at = Date.parse(c.data.at);
  return s.grants
    .filter((g) => g.expiresAt !== null && Date.parse(g.expiresAt) <= at && g.remaining.greaterThan(0))
    .map((g) => ({
      type: 'CreditExpired' as const,
      id: deriveId('credit-expired', s.accountId, g.grantId),
      data: { accountId: s.accountId, grantId: g.grantId, amount: g.remaining.toFixed(), currency: s.currency },
    }));
}

function decide(c: WalletCommand, s: WalletState): AccountStreamEvent[] {
  switch (c.type) {
    case 'start-top-up':
      return onStartTopUp(c, s);
    case 'record-purchase':
      return onRecordPurchase(c, s);
    case 'record-payment-failure':
      needAccount(s, false);
      return [
        {
          type: 'TopUpFailed',
          id: deriveId('top-up-failed', c.data.processor, c.data.processorEventId),
          data: {
            accountId: s.accountId,
            processor: c.data.processor,
            paymentId: c.data.paymentId,
            processorEventId: c.data.processorEventId,
            reason: c.data.reason,
          },
        },
      ];
    case 'record-refund':
      return onRecordRefund(c, s);
    case 'record-chargeback':
      return onRecordChargeback(c, s);
    case 'reverse-chargeback':
      return onReverseChargeback(c, s);
    case 'grant':
      return onGrant(c, s);
    case 'redeem-voucher':
      return onRedeemVoucher(c, s);
    case 'charge':
      return onCharge(c, s);
    case 'authorize-call':
    case 'extend-call':
    case 'end-call':
    case 'expire-reservations':
    case 'record-refusal':
      return decideCall(c, s);
    case 'accept-sms':
    case 'record-sms-submission':
    case 'fail-sms':
    case 'record-sms-receipt':
      return decideSms(c, s);
    case 'expire':
      return onExpire(c, s);
  }
}

/**
 * The wallet on an account's stream: credit bought, granted, redeemed, refunded, charged back,
 * expired and spent. Every event id derives from the outside fact, so the same fact twice is
 * one event; each command's own state check makes a repeat decide nothing.
 */
export const walletDecider: Decider<WalletCommand, AccountStreamEvent, WalletState> = {
  initialState: initialWallet,
  decide,
  evolve: evolveWallet,
};

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
