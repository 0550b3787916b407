import { Decimal } from '../money';
import { isSettingEvent } from './setting-events';
import type { AccountStreamEvent, Restriction } from './events';

export interface NewGrant {
  readonly grantId: string;
  readonly amount: Decimal;
  readonly expiresAt: string | null;
  readonly restriction: Restriction | null;
  readonly reason: string;
}

/**
 * What one event does to an account's money, and the only place that says it: the wallet's
 * evolve, the balances projection and finance all apply this. Changes are signed.
 */
export interface MoneyEffect {
  /** Paid credit: bought, refunded, charged back, spent. */
  readonly paid: Decimal;
  /** Granted credit, the sum of `newGrant` and `grantChanges`. */
  readonly granted: Decimal;
  readonly grantChanges: readonly { readonly grantId: string; readonly change: Decimal }[];
  readonly newGrant: NewGrant | null;
  /** Credit held for calls and texts in progress: held, released, or let go by a charge. */
  readonly reserved: Decimal;
  /** The ledger line's subject (a payment, grant, voucher or charge id); null: a hold only, no ledger line. */
  readonly reference: string | null;
}

const ZERO = new Decimal(0);
const NONE: MoneyEffect = { paid: ZERO, granted: ZERO, grantChanges: [], newGrant: null, reserved: ZERO, reference: null };

const line = (reference: string, paid: Decimal, granted = ZERO, extra: Partial<MoneyEffect> = {}): MoneyEffect => ({
  ...NONE,
  paid,
  granted,
  reference,
  ...extra,
});
const hold = (amount: Decimal): MoneyEffect => ({ ...NONE, reserved: amount });

/** Credit drawn from grants and paid credit (signs as given), as one ledger line. */
function spent(reference: string, paid: Decimal, grants: readonly { grantId: string; amount: string }[], sign: 1 | -1): MoneyEffect {
  const grantChanges = grants.map((g) => ({ grantId: g.grantId, change: new Decimal(g.amount).times(sign) }));
  return line(
    reference,
    paid,
    grantChanges.reduce((sum, g) => sum.plus(g.change), ZERO),
    { grantChanges },
  );
}

/** Event types that put a line on the ledger (paid or granted credit moves). */
export const LEDGER_EVENT_TYPES = [
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

/** Event types that hold or release credit for calls and texts in progress (SmsCharged does both). */
export const HOLD_EVENT_TYPES = [
  'CallAuthorized',
  'CallExtended',
  'ReservationReleased',
  'ReservationExpired',
  'SmsAccepted',
  'SmsFailed',
  'SmsCharged',
] as const satisfies readonly AccountStreamEvent['type'][];

/** Every event type with a money effect: what a projection of money subscribes to. */
export const MONEY_EVENT_TYPES: readonly AccountStreamEvent['type'][] = [...new Set([...LEDGER_EVENT_TYPES, ...HOLD_EVENT_TYPES])];

type Of<T extends AccountStreamEvent['type']> = Extract<AccountStreamEvent, { type: T }>;

/** A prepaid code is paid credit; a promotional one, a grant lot of its own. */
function voucherRedeemed(e: Of<'VoucherRedeemed'>): MoneyEffect {
  const amount = new Decimal(e.data.amount);
  const reference = `voucher:${e.data.codeHash.slice(0, 12)}`;
  if (e.data.funding === 'paid' || !e.data.grant) return line(reference, amount);
  const g = e.data.grant;
  return line(reference, ZERO, amount, {
    newGrant: { grantId: g.grantId, amount, expiresAt: g.expiresAt, restriction: g.restriction, reason: 'voucher' },
  });
}

/** A correction moves paid credit by its difference, and gives back what grants paid as a lot of its own. */
function callRerated(e: Of<'CallRerated'>): MoneyEffect {
  const grant = e.data.grant;
  if (!grant) return line(`call:${e.data.callId}`, new Decimal(e.data.paidChange));
  const amount = new Decimal(grant.amount);
  return line(`call:${e.data.callId}`, new Decimal(e.data.paidChange), amount, {
    newGrant: { grantId: grant.grantId, amount, expiresAt: null, restriction: null, reason: 'rerate' },
  });
}

/** The money effect of an account event; null when it moves no money and holds none. */
export function moneyEffect(e: AccountStreamEvent): MoneyEffect | null {
  switch (e.type) {
    case 'CreditPurchased':
      return line(e.data.paymentId, new Decimal(e.data.credit));
    case 'CreditRefunded':
      return line(e.data.paymentId, new Decimal(e.data.amount).negated());
    case 'ChargebackDebited':
      return line(e.data.disputeId, new Decimal(e.data.amount).negated());
    case 'ChargebackReversed':
      return line(e.data.disputeId, new Decimal(e.data.amount));
    case 'CreditGranted': {
      const amount = new Decimal(e.data.amount);
      return line(e.data.grantId, ZERO, amount, {
        newGrant: { grantId: e.data.grantId, amount, expiresAt: e.data.expiresAt, restriction: e.data.restriction, reason: e.data.reason },
      });
    }
    case 'CreditExpired': {
      const amount = new Decimal(e.data.amount).negated();
      return line(e.data.grantId, ZERO, amount, { grantChanges: [{ grantId: e.data.grantId, change: amount }] });
    }
    case 'VoucherRedeemed':
      return voucherRedeemed(e);
    case 'WalletCharged':
      return spent(e.data.chargeId, new Decimal(e.data.fromPaid).negated(), e.data.fromGrants, -1);
    case 'CallCharged':
      // a free (on-net) call moves nothing; the reservation goes with ReservationReleased
      if (new Decimal(e.data.amount).isZero()) return null;
      return spent(`call:${e.data.callId}`, new Decimal(e.data.fromPaid).negated(), e.data.fromGrants, -1);
    case 'CallRerated':
      return callRerated(e);
    case 'SmsCharged':
      // the charge spends the text's price and lets go of the hold taken when it was accepted
      return {
        ...spent(`sms:${e.data.smsId}`, new Decimal(e.data.fromPaid).negated(), e.data.fromGrants, -1),
        reserved: new Decimal(e.data.amount).negated(),
      };
    case 'SmsRefunded':
      return spent(`sms:${e.data.smsId}`, new Decimal(e.data.toPaid), e.data.toGrants, 1);
    case 'CallAuthorized':
    case 'CallExtended':
      return hold(new Decimal(e.data.reserved));
    case 'ReservationReleased':
    case 'ReservationExpired':
      return hold(new Decimal(e.data.amount).negated());
    case 'SmsAccepted':
      return hold(new Decimal(e.data.amount));
    case 'SmsFailed':
      return hold(new Decimal(e.data.released).negated());
    // no money moves: a shortfall or an uncovered reversal is the provider's, and the rest are
    // facts about the account, a payment, a call or a text
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
    case 'SmsSubmitted':
    case 'SmsDelivered':
    case 'SmsReceiptRecorded':
      return null;
    default: {
      // an account's settings and holds move no money (core/wallet/setting-events.ts); any other
      // new event type must say above what it does to money (this does not compile until it does)
      if (isSettingEvent(e)) return null;
      const unhandled: never = e;
      return unhandled;
    }
  }
}
