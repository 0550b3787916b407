import { DomainError } from '../decider';
import { deriveId } from '../ids';
import { Decimal } from '../money';
import { allocateWithin, spendable } from '../wallet/allocation';
import type { AccountStreamEvent } from '../wallet/events';
import { inDebt } from '../wallet/balance-figures';
import type { WalletState } from '../wallet/state';
import type { CallCommand, CallPolicy } from './commands';
import { REFUSAL_RECORD_INTERVAL_MS, type CallRecord } from './state';
import { affordableSeconds, chargeFor } from '../pricing/charge';
import { checkCallLimits, effectiveLimits, type CallLimits } from './limits';
import { refuseRisky } from '../rating/risk-classes';
import { callBudget } from './budget';
import { onAuthorizeEmergencyCall } from './emergency';
import { onReceiveInboundCall } from './inbound';
import { refuseWhileHeld } from '../fraud/hold';

const NO_LIMITS: CallLimits = { maxConcurrentCalls: null, maxCallsPerMinute: null };

const ZERO = new Decimal(0);

const plus = (at: string, seconds: number) => new Date(Date.parse(at) + seconds * 1000).toISOString();
const expiry = (at: string, granted: number, policy: CallPolicy) => plus(at, granted + policy.reservationTtlSeconds);

function mayCall(s: WalletState): void {
  if (s.status === 'none') throw new DomainError('no-account', 'there is no such account');
  if (s.status !== 'open') throw new DomainError('account-not-open', `the account is ${s.status}`);
}

type CallAuthorizedData = Extract<AccountStreamEvent, { type: 'CallAuthorized' }>['data'];

/**
 * CallAuthorized with every property in one literal, the route's rate rows and carriers by
 * reference (they are built for this call and never changed). Written as `{ ...base, … }` the
 * data object cost about 3 KB per authorization in V8, and the open call kept what it
 * referenced alive: the promoted bytes per authorization halved without it (`npm run bench:gc`).
 */
function callAuthorized(
  c: Extract<CallCommand, { readonly type: 'authorize-call' }>,
  s: WalletState,
  granted: number,
  reserved: string,
  onNetUri: string | null,
  retail: CallAuthorizedData['retail'],
  carriers: CallAuthorizedData['carriers'],
): AccountStreamEvent {
  return {
    type: 'CallAuthorized',
    id: deriveId('call-authorized', s.accountId, c.data.callId),
    data: {
      accountId: s.accountId,
      callId: c.data.callId,
      destination: c.data.destination,
      route: onNetUri === null ? 'pstn' : 'on-net',
      onNetUri,
      grantedSeconds: granted,
      reserved,
      currency: s.currency,
      retail,
      carriers,
      at: c.data.at,
      expiresAt: expiry(c.data.at, granted, c.data.policy),
    },
  };
}

function onAuthorizeCall(c: CallCommand & { readonly type: 'authorize-call' }, s: WalletState): AccountStreamEvent[] {
  mayCall(s);
  if (s.calls.has(c.data.callId)) return [];
  if (c.data.policy.limits || s.callLimits) checkCallLimits(effectiveLimits(c.data.policy.limits ?? NO_LIMITS, s.callLimits), s, c.data.at);
  if (c.data.route.kind === 'on-net') return [callAuthorized(c, s, c.data.policy.grantSeconds, '0', c.data.route.uri, null, [])];
  refuseWhileHeld(s.fraud);
  refuseRisky(c.data.route.riskClass ?? null, s.riskClassesAllowed, c.data.destination, 'calls');
  if (inDebt(s.paid)) throw new DomainError('in-debt', 'the account is in debt after a refund or chargeback: top up first');
  const { budget, capped } = callBudget(c.data.policy, s, spendable(s, c.data.destination, c.data.at), c.data.at, ZERO);
  const granted = affordableSeconds(c.data.route.retail.row, budget, c.data.policy.grantSeconds, c.data.policy.chargeDecimals);
  // not even the first increment within a cap: refused as the cap, not as a want of credit
  if (granted === 0 && capped) throw capped();
  if (granted === 0)
    throw new DomainError('insufficient-credit', 'the credit does not pay for the first increment of this call', {
      available: budget.toFixed(),
    });
  const reserved = chargeFor(c.data.route.retail.row, granted, c.data.policy.chargeDecimals).amount;
  return [callAuthorized(c, s, granted, reserved.toFixed(), null, c.data.route.retail, c.data.route.carriers)];
}

function onExtendCall(c: CallCommand & { readonly type: 'extend-call' }, s: WalletState): AccountStreamEvent[] {
  const call = s.calls.get(c.data.callId);
  if (!call) throw new DomainError('unknown-call', 'no such call on this account');
  if (call.status !== 'open') throw new DomainError('call-ended', `the call is ${call.status}`);
  if (call.route === 'on-net' || !call.retail) return [];
  // a call up when the account came under review is not extended: it ends at its grant
  refuseWhileHeld(s.fraud);
  if (inDebt(s.paid)) throw new DomainError('in-debt', 'the account is in debt');
  // the call's own reservation is spendable for it: budget = what others leave + what it holds
  const hold = new Decimal(call.reserved);
  // the whole call's price stays within the caps: the grant stops growing there
  const { budget, capped } = callBudget(c.data.policy, s, spendable(s, call.destination, c.data.at).plus(hold), c.data.at, hold);
  const total = affordableSeconds(call.retail.row, budget, call.grantedSeconds + c.data.policy.grantSeconds, c.data.policy.chargeDecimals);
  if (total <= call.grantedSeconds && capped) throw capped();
  if (total <= call.grantedSeconds) throw new DomainError('insufficient-credit', 'the credit does not pay for more of this call');
  const more = chargeFor(call.retail.row, total, c.data.policy.chargeDecimals).amount.minus(call.reserved);
  return [
    {
      type: 'CallExtended',
      id: deriveId('call-extended', s.accountId, c.data.callId, String(total)),
      data: {
        accountId: s.accountId,
        callId: c.data.callId,
        grantedSeconds: total,
        reserved: Decimal.max(0, more).toFixed(),
        expiresAt: expiry(c.data.at, total, c.data.policy),
        at: c.data.at,
      },
    },
  ];
}

type EndCall = CallCommand & { readonly type: 'end-call' };

/** What the carrier invoices for the call: its own increments, unrounded (its invoice rounds, not us). */
function carrierCost(c: EndCall, s: WalletState, call: CallRecord, seconds: number): AccountStreamEvent | null {
  const carrier = call.carriers.find((r) => r.carrierId === c.data.carrierId) ?? call.carriers[0];
  if (!carrier) return null;
  const billed = chargeFor(carrier.row, seconds, 40);
  return {
    type: 'CarrierCostRecorded',
    id: deriveId('carrier-cost', s.accountId, c.data.callId, c.data.origin),
    data: {
      accountId: s.accountId,
      callId: c.data.callId,
      carrierId: carrier.carrierId,
      prefix: carrier.prefix,
      rate: carrier.row.rate,
      billedSeconds: billed.billedSeconds,
      cost: billed.amount.toFixed(),
      currency: carrier.currency,
      ...(carrier.deckVersion !== undefined ? { deckVersion: carrier.deckVersion } : {}),
    },
  };
}

/** Not answered: recorded (with the post-dial delay when the proxy measured one), nothing charged. */
function callFailed(c: EndCall, s: WalletState): AccountStreamEvent {
  return {
    type: 'CallFailed',
    id: deriveId('cdr-outcome', s.accountId, c.data.callId, c.data.origin),
    data: {
      accountId: s.accountId,
      callId: c.data.callId,
      origin: c.data.origin,
      reason: c.data.reason,
      endedAt: c.data.endedAt,
      ...(c.data.pddSeconds !== undefined ? { pddSeconds: c.data.pddSeconds } : {}),
    },
  };
}

function onEndCall(c: EndCall, s: WalletState): AccountStreamEvent[] {
  if (s.status === 'none') throw new DomainError('no-account', 'there is no such account');
  const call = s.calls.get(c.data.callId);
  const key = [s.accountId, c.data.callId, c.data.origin] as const;
  if (!call)
    return [
      {
        type: 'CdrUnmatched',
        id: deriveId('cdr-outcome', ...key),
        data: { accountId: s.accountId, callId: c.data.callId, origin: c.data.origin, cdr: { ...c.data.cdr } },
      },
    ];
  if (call.status === 'closed') return [];
  const held = new Decimal(call.reserved);
  const release: AccountStreamEvent[] = held.isZero()
    ? []
    : [
        {
          type: 'ReservationReleased',
          id: deriveId('reservation-released', s.accountId, c.data.callId),
          data: { accountId: s.accountId, callId: c.data.callId, amount: held.toFixed() },
        },
      ];
  if (!c.data.answered) return [callFailed(c, s), ...release];
  // never past the grant: the proxy cut the call there, a late BYE does not make it longer (an
  // emergency call has no grant: it is never cut, and its record keeps how long it lasted)
  const measured = Math.max(0, c.data.seconds);
  const seconds = call.route === 'emergency' ? measured : Math.min(measured, call.grantedSeconds);
  const charge = call.retail
    ? chargeFor(call.retail.row, seconds, c.data.policy.chargeDecimals)
    : { billedSeconds: Math.ceil(seconds), amount: new Decimal(0) };
  // the full price is the call's record; what the account cannot cover, the provider absorbs
  const split = allocateWithin(s, charge.amount, call.destination, c.data.endedAt);
  const events: AccountStreamEvent[] = [
    {
      type: 'CallCharged',
      id: deriveId('cdr-outcome', ...key),
      data: {
        accountId: s.accountId,
        callId: c.data.callId,
        origin: c.data.origin,
        destination: call.destination,
        route: call.route,
        seconds,
        billedSeconds: charge.billedSeconds,
        amount: charge.amount.toFixed(),
        currency: s.currency,
        fromGrants: split.fromGrants.map((g) => ({ grantId: g.grantId, amount: g.amount.toFixed() })),
        fromPaid: split.fromPaid.toFixed(),
        answeredAt: c.data.answeredAt,
        endedAt: c.data.endedAt,
        ...(c.data.pddSeconds !== undefined ? { pddSeconds: c.data.pddSeconds } : {}),
        ...(call.retail?.sheetVersion !== undefined ? { sheetVersion: call.retail.sheetVersion } : {}),
      },
    },
  ];
  if (split.shortfall.greaterThan(0))
    events.push({
      type: 'ChargeShortfall',
      id: deriveId('charge-shortfall', ...key),
      data: {
        accountId: s.accountId,
        kind: 'call',
        reference: c.data.callId,
        amount: split.shortfall.toFixed(),
        currency: s.currency,
        reason: call.status === 'expired' ? 'reservation-lapsed' : 'credit-exhausted',
      },
    });
  const cost = carrierCost(c, s, call, seconds);
  if (cost) events.push(cost);
  return [...events, ...release];
}

function onExpireReservations(c: CallCommand & { readonly type: 'expire-reservations' }, s: WalletState): AccountStreamEvent[] {
  const at = Date.parse(c.data.at);
  return [...s.calls.entries()]
    .filter(([, call]) => call.status === 'open' && Date.parse(call.expiresAt) <= at)
    .map(([callId, call]) => ({
      type: 'ReservationExpired' as const,
      id: deriveId('reservation-expired', s.accountId, callId),
      data: { accountId: s.accountId, callId, amount: new Decimal(call.reserved).toFixed() },
    }));
}

/**
 * Credit control for calls on the account's stream (RFC 8506's reserve, grant, commit or
 * release): a grant is the longest duration the spendable credit pays for, capped by policy,
 * and its price is reserved; the end charges the real duration at the authorized rate (never
 * past the grant) and releases the reservation. Appends go at the version read, so concurrent
 * authorizations each see the others' reservations: no overdraft.
 */
export function decideCall(c: CallCommand, s: WalletState): AccountStreamEvent[] {
  switch (c.type) {
    case 'authorize-call':
      return onAuthorizeCall(c, s);
    case 'extend-call':
      return onExtendCall(c, s);
    case 'end-call':
      return onEndCall(c, s);
    case 'expire-reservations':
      return onExpireReservations(c, s);
    case 'record-refusal':
      return onRecordRefusal(c, s);
    case 'authorize-emergency-call':
      return onAuthorizeEmergencyCall(c, s);
    case 'receive-inbound-call':
      return onReceiveInboundCall(c, s);
  }
}

function onRecordRefusal(c: Extract<CallCommand, { type: 'record-refusal' }>, s: WalletState): AccountStreamEvent[] {
  if (s.status === 'none') return [];
  const recent = s.lastRefusalAt !== null && Date.parse(c.data.at) - Date.parse(s.lastRefusalAt) < REFUSAL_RECORD_INTERVAL_MS;
  if (recent) return [];
  return [
    {
      type: 'CallRefused',
      id: deriveId('call-refused', s.accountId, c.data.callId),
      data: { accountId: s.accountId, callId: c.data.callId, destination: c.data.destination, reason: c.data.reason, at: c.data.at },
    },
  ];
}
