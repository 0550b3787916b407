import { DomainError, type Decider } from '../decider';
import { deriveId } from '../ids';
import { allocate } from './allocation';
import { decideCall } from '../calls/decide';
import { decideSms } from '../sms/decide';
import { decideAutoTopUp } from '../auto-top-up/decide';
import { needAccount, needCurrency, positive } from './checks';
import {
  onRecordChargeback,
  onRecordPaymentFailure,
  onRecordPurchase,
  onRecordRefund,
  onReverseChargeback,
  onStartTopUp,
} from './payments';
import { autoTopUpTrigger } from '../auto-top-up/trigger';
import type { WalletCommand } from './commands';
import type { AccountStreamEvent } from './events';
import { decideFraud } from '../fraud/decide';
import { evolveWallet, initialWallet, type WalletState } from './state';

/** Expiry instants are kept as `toISOString()` so that they compare as text too (read models index them). */
function instant(text: string | null): string | null {
  if (text === null) return null;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new DomainError('invalid-expiry', `not an instant: ${JSON.stringify(text)}`);
  return new Date(ms).toISOString();
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

/** What a command records, and with a spend the auto top-up it sets off (see autoTopUpTrigger). */
function decide(c: WalletCommand, s: WalletState): AccountStreamEvent[] {
  const events = decideOne(c, s);
  const trigger = autoTopUpTrigger(c, s, events);
  return trigger ? [...events, trigger] : events;
}

function decideOne(c: WalletCommand, s: WalletState): AccountStreamEvent[] {
  switch (c.type) {
    case 'start-top-up':
      return onStartTopUp(c, s);
    case 'record-purchase':
      return onRecordPurchase(c, s);
    case 'record-payment-failure':
      return onRecordPaymentFailure(c, s);
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
    case 'authorize-emergency-call':
    case 'receive-inbound-call':
      return decideCall(c, s);
    case 'accept-sms':
    case 'record-sms-submission':
    case 'fail-sms':
    case 'record-sms-receipt':
      return decideSms(c, s);
    case 'expire':
      return onExpire(c, s);
    case 'save-payment-method':
    case 'enable-auto-top-up':
    case 'disable-auto-top-up':
    case 'fail-auto-top-up':
      return decideAutoTopUp(c, s);
    case 'suspect-fraud':
    case 'clear-fraud':
      return decideFraud(c, s);
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
