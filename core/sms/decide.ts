import { spendRoom } from '../wallet/spend';
import { refuseRisky } from '../rating/risk-classes';
import { refuseWhileHeld } from '../fraud/hold';
import { DomainError } from '../decider';
import { deriveId } from '../ids';
import { Decimal } from '../money';
import { allocateWithin, spendable } from '../wallet/allocation';
import type { AccountStreamEvent } from '../wallet/events';
import { inDebt } from '../wallet/balance-figures';
import type { WalletState } from '../wallet/state';
import type { SmsCommand } from './commands';
import { smsPrice } from './pricing';
import { effectiveSpendCaps } from '../wallet/spend-caps';
import { DAY_MS, sentAfter } from './state';

const MINUTE_MS = 60_000;

function onAcceptSms(c: SmsCommand & { readonly type: 'accept-sms' }, s: WalletState): AccountStreamEvent[] {
  const seen = s.smsRecent.find((t) => t.smsId === c.data.smsId);
  if (seen && seen.fingerprint !== c.data.fingerprint)
    throw new DomainError('idempotency-key-reused', 'this request key was used for another text');
  if (seen || s.sms.has(c.data.smsId)) return [];
  if (s.status !== 'open') throw new DomainError('account-not-open', `the account is ${s.status}`);
  refuseWhileHeld(s.fraud);
  refuseRisky(c.data.riskClass ?? null, s.riskClassesAllowed, c.data.to, 'texts');
  const { segments } = c.data.segmentation;
  if (segments < 1) throw new DomainError('empty-message', 'the text is empty');
  if (segments > c.data.limits.maxSegments)
    throw new DomainError('too-many-segments', `the text takes ${segments} segments; at most ${c.data.limits.maxSegments} are allowed`, {
      segments,
      maxSegments: c.data.limits.maxSegments,
    });
  const at = Date.parse(c.data.at);
  if (sentAfter(s.smsRecent, at - MINUTE_MS) >= c.data.limits.perMinute)
    throw new DomainError('sms-rate-limited', `at most ${c.data.limits.perMinute} texts a minute`, { retryAfterSeconds: 60 });
  if (sentAfter(s.smsRecent, at - DAY_MS) >= c.data.limits.perDay)
    throw new DomainError('sms-rate-limited', `at most ${c.data.limits.perDay} texts a day`, { retryAfterSeconds: 3600 });
  if (inDebt(s.paid)) throw new DomainError('in-debt', 'the account is in debt');
  const amount = smsPrice(c.data.retail, segments, c.data.chargeDecimals);
  if (spendable(s, c.data.to, c.data.at).lessThan(amount))
    throw new DomainError('insufficient-credit', `the text costs ${amount.toFixed()} ${s.currency}`, {
      price: amount.toFixed(),
      currency: s.currency,
    });
  const room = spendRoom(s.spend, effectiveSpendCaps(c.data.spendCaps?.[s.currency], s.spendCaps), c.data.at, s.reserved);
  if (room && room.room.lessThan(amount))
    throw new DomainError('spend-cap-reached', `this account has reached what it may be charged a ${room.cap}`, {
      cap: room.cap,
      left: Decimal.max(0, room.room).toFixed(),
    });
  return [
    {
      type: 'SmsAccepted',
      id: deriveId('sms-accepted', s.accountId, c.data.smsId),
      data: {
        accountId: s.accountId,
        smsId: c.data.smsId,
        from: s.number,
        to: c.data.to,
        encoding: c.data.segmentation.encoding,
        segments,
        characters: c.data.segmentation.characters,
        amount: amount.toFixed(),
        currency: s.currency,
        retail: { prefix: c.data.retail.prefix, perSegment: c.data.retail.perSegment, perMessage: c.data.retail.perMessage },
        fingerprint: c.data.fingerprint,
        at: c.data.at,
      },
    },
  ];
}

function onRecordSmsSubmission(c: SmsCommand & { readonly type: 'record-sms-submission' }, s: WalletState): AccountStreamEvent[] {
  const sms = s.sms.get(c.data.smsId);
  if (!sms || sms.status !== 'accepted') return [];
  // the text is sent: its full price is the record, what the account cannot cover the provider absorbs
  const split = allocateWithin(s, sms.amount, sms.to, c.data.at);
  const shortfall: AccountStreamEvent[] = split.shortfall.greaterThan(0)
    ? [
        {
          type: 'ChargeShortfall',
          id: deriveId('charge-shortfall', s.accountId, 'sms', c.data.smsId),
          data: {
            accountId: s.accountId,
            kind: 'sms',
            reference: c.data.smsId,
            amount: split.shortfall.toFixed(),
            currency: s.currency,
            reason: 'credit-exhausted',
          },
        },
      ]
    : [];
  const cost = smsPrice(c.data.cost, sms.segments, 40);
  return [
    {
      type: 'SmsSubmitted',
      id: deriveId('sms-submitted', s.accountId, c.data.smsId),
      data: {
        accountId: s.accountId,
        smsId: c.data.smsId,
        gatewayId: c.data.gatewayId,
        messageIds: [...c.data.messageIds],
        failedOver: c.data.failedOver.map((f) => ({ ...f })),
        cost: {
          prefix: c.data.cost.prefix,
          perSegment: c.data.cost.perSegment,
          perMessage: c.data.cost.perMessage,
          segments: sms.segments,
          amount: cost.toFixed(),
          currency: c.data.cost.currency,
        },
        at: c.data.at,
      },
    },
    {
      type: 'SmsCharged',
      id: deriveId('sms-charged', s.accountId, c.data.smsId),
      data: {
        accountId: s.accountId,
        smsId: c.data.smsId,
        to: sms.to,
        segments: sms.segments,
        amount: sms.amount.toFixed(),
        currency: s.currency,
        fromGrants: split.fromGrants.map((g) => ({ grantId: g.grantId, amount: g.amount.toFixed() })),
        fromPaid: split.fromPaid.toFixed(),
        at: c.data.at,
      },
    },
    ...shortfall,
  ];
}

function onFailSms(c: SmsCommand & { readonly type: 'fail-sms' }, s: WalletState): AccountStreamEvent[] {
  const sms = s.sms.get(c.data.smsId);
  if (!sms || sms.status !== 'accepted') return [];
  return [
    {
      type: 'SmsFailed',
      id: deriveId('sms-failed', s.accountId, c.data.smsId),
      data: {
        accountId: s.accountId,
        smsId: c.data.smsId,
        reason: c.data.reason,
        attempts: c.data.attempts.map((a) => ({ ...a })),
        released: sms.amount.toFixed(),
        at: c.data.at,
      },
    },
  ];
}

function onRecordSmsReceipt(c: SmsCommand & { readonly type: 'record-sms-receipt' }, s: WalletState): AccountStreamEvent[] {
  const receipt: AccountStreamEvent = {
    type: 'SmsReceiptRecorded',
    id: deriveId('sms-receipt', c.data.gatewayId, c.data.messageId, c.data.status),
    data: {
      accountId: s.accountId,
      smsId: c.data.smsId,
      gatewayId: c.data.gatewayId,
      messageId: c.data.messageId,
      status: c.data.status,
      error: c.data.error,
      at: c.data.at,
    },
  };
  const sms = s.sms.get(c.data.smsId);
  // final already (delivered, refunded) or never submitted: the receipt is kept, nothing moves
  if (!sms || sms.status !== 'submitted' || !sms.charged) return [receipt];
  if (c.data.status === 'delivered') {
    if (sms.deliveredParts.includes(c.data.messageId)) return [];
    const delivered = sms.deliveredParts.length + 1 >= sms.parts;
    return delivered
      ? [
          receipt,
          {
            type: 'SmsDelivered',
            id: deriveId('sms-delivered', s.accountId, c.data.smsId),
            data: { accountId: s.accountId, smsId: c.data.smsId, at: c.data.at },
          },
        ]
      : [receipt];
  }
  const at = Date.parse(c.data.at);
  const toGrants: { grantId: string; amount: string }[] = [];
  let forfeited = new Decimal(0);
  // what neither grants nor paid credit carried was the provider's (ChargeShortfall): not the customer's to get back
  let absorbed = sms.amount.minus(sms.charged.fromPaid);
  for (const part of sms.charged.fromGrants) {
    absorbed = absorbed.minus(part.amount);
    const lot = s.grants.find((g) => g.grantId === part.grantId);
    if (lot && (lot.expiresAt === null || Date.parse(lot.expiresAt) > at))
      toGrants.push({ grantId: part.grantId, amount: part.amount.toFixed() });
    else forfeited = forfeited.plus(part.amount);
  }
  return [
    receipt,
    {
      type: 'SmsRefunded',
      id: deriveId('sms-refunded', s.accountId, c.data.smsId),
      data: {
        accountId: s.accountId,
        smsId: c.data.smsId,
        amount: sms.amount.toFixed(),
        currency: s.currency,
        toGrants,
        toPaid: sms.charged.fromPaid.toFixed(),
        forfeited: forfeited.toFixed(),
        absorbed: absorbed.toFixed(),
        reason: c.data.error ?? c.data.status,
        at: c.data.at,
      },
    },
  ];
}

/** Sending a text: accept (rate limits, segment cap, reserve), record the gateway's answer (charge or release), then receipts (refund once). */
export function decideSms(c: SmsCommand, s: WalletState): AccountStreamEvent[] {
  if (s.status === 'none') throw new DomainError('no-account', 'there is no such account');
  switch (c.type) {
    case 'accept-sms':
      return onAcceptSms(c, s);
    case 'record-sms-submission':
      return onRecordSmsSubmission(c, s);
    case 'fail-sms':
      return onFailSms(c, s);
    case 'record-sms-receipt':
      return onRecordSmsReceipt(c, s);
  }
}
