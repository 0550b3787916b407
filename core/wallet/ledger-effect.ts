import { Decimal } from '../money';
import type { AccountStreamEvent, Restriction } from './events';

export interface NewGrant {
  readonly grantId: string;
  readonly amount: Decimal;
  readonly expiresAt: string | null;
  readonly restriction: Restriction | null;
  readonly reason: string;
}

/** How one event moves the ledger: signed changes to paid and granted credit, and to each grant. */
export interface LedgerEffect {
  readonly paid: Decimal;
  readonly granted: Decimal;
  readonly grantChanges: readonly { readonly grantId: string; readonly change: Decimal }[];
  readonly newGrant: NewGrant | null;
  /** What the line is about: a payment, grant, voucher or charge id. */
  readonly reference: string;
}

const ZERO = new Decimal(0);
const effect = (reference: string, paid: Decimal, granted = ZERO, extra: Partial<LedgerEffect> = {}): LedgerEffect => ({
  paid,
  granted,
  grantChanges: [],
  newGrant: null,
  reference,
  ...extra,
});

/** Every event type `ledgerEffect` gives a line for (a projection of money subscribes to these). */
export const MONEY_EVENT_TYPES = [
  'CreditPurchased',
  'CreditRefunded',
  'ChargebackDebited',
  'ChargebackReversed',
  'CreditGranted',
  'CreditExpired',
  'VoucherRedeemed',
  'WalletCharged',
  'CallCharged',
  'CallRerated',
  'SmsCharged',
  'SmsRefunded',
] as const satisfies readonly AccountStreamEvent['type'][];

/** The ledger line of a wallet event; null for events that move no money. */
export function ledgerEffect(e: AccountStreamEvent): LedgerEffect | null {
  switch (e.type) {
    case 'CreditPurchased':
      return effect(e.data.paymentId, new Decimal(e.data.credit));
    case 'CreditRefunded':
      return effect(e.data.paymentId, new Decimal(e.data.amount).negated());
    case 'ChargebackDebited':
      return effect(e.data.disputeId, new Decimal(e.data.amount).negated());
    case 'ChargebackReversed':
      return effect(e.data.disputeId, new Decimal(e.data.amount));
    case 'CreditGranted': {
      const amount = new Decimal(e.data.amount);
      return effect(e.data.grantId, ZERO, amount, {
        newGrant: { grantId: e.data.grantId, amount, expiresAt: e.data.expiresAt, restriction: e.data.restriction, reason: e.data.reason },
      });
    }
    case 'CreditExpired': {
      const amount = new Decimal(e.data.amount).negated();
      return effect(e.data.grantId, ZERO, amount, { grantChanges: [{ grantId: e.data.grantId, change: amount }] });
    }
    case 'VoucherRedeemed': {
      const amount = new Decimal(e.data.amount);
      const reference = `voucher:${e.data.codeHash.slice(0, 12)}`;
      if (e.data.funding === 'paid' || !e.data.grant) return effect(reference, amount);
      const g = e.data.grant;
      return effect(reference, ZERO, amount, {
        newGrant: { grantId: g.grantId, amount, expiresAt: g.expiresAt, restriction: g.restriction, reason: 'voucher' },
      });
    }
    case 'CallCharged':
    case 'WalletCharged': {
      // a call's charge moves the ledger like any charge; a free (on-net) call moves nothing
      if (new Decimal(e.data.amount).isZero()) return null;
      const parts = e.data.fromGrants.map((g) => ({ grantId: g.grantId, change: new Decimal(g.amount).negated() }));
      const granted = parts.reduce((sum, p) => sum.plus(p.change), ZERO);
      const reference = e.type === 'WalletCharged' ? e.data.chargeId : `call:${e.data.callId}`;
      return effect(reference, new Decimal(e.data.fromPaid).negated(), granted, { grantChanges: parts });
    }
    case 'CallRerated': {
      const grant = e.data.grant;
      if (!grant) return effect(`call:${e.data.callId}`, new Decimal(e.data.paidChange));
      const amount = new Decimal(grant.amount);
      return effect(`call:${e.data.callId}`, new Decimal(e.data.paidChange), amount, {
        newGrant: { grantId: grant.grantId, amount, expiresAt: null, restriction: null, reason: 'rerate' },
      });
    }
    case 'SmsCharged': {
      const parts = e.data.fromGrants.map((g) => ({ grantId: g.grantId, change: new Decimal(g.amount).negated() }));
      const granted = parts.reduce((sum, p) => sum.plus(p.change), ZERO);
      return effect(`sms:${e.data.smsId}`, new Decimal(e.data.fromPaid).negated(), granted, { grantChanges: parts });
    }
    case 'SmsRefunded': {
      const parts = e.data.toGrants.map((g) => ({ grantId: g.grantId, change: new Decimal(g.amount) }));
      const granted = parts.reduce((sum, p) => sum.plus(p.change), ZERO);
      return effect(`sms:${e.data.smsId}`, new Decimal(e.data.toPaid), granted, { grantChanges: parts });
    }
    // no money moves: reservations hold credit without moving it, a shortfall or an uncovered
    // reversal is the provider's, and the rest are facts about the account or a call or text
    case 'AccountOpened':
    case 'AccountSuspended':
    case 'AccountReinstated':
    case 'AccountClosed':
    case 'TopUpStarted':
    case 'TopUpFailed':
    case 'TopUpMismatch':
    case 'CallAuthorized':
    case 'CallExtended':
    case 'CallFailed':
    case 'CarrierCostRecorded':
    case 'CdrUnmatched':
    case 'ReservationReleased':
    case 'ReservationExpired':
    case 'ChargeShortfall':
    case 'ReversalUncovered':
    case 'SmsAccepted':
    case 'SmsSubmitted':
    case 'SmsDelivered':
    case 'SmsFailed':
    case 'SmsReceiptRecorded':
      return null;
    default: {
      // a new event type must say above whether it moves money (this does not compile until it does)
      const unhandled: never = e;
      void unhandled;
      return null;
    }
  }
}
