import type { RecordedEvent } from '../../core/events/envelope';
import { Decimal } from '../../core/money';
import { absorbedChange } from '../../core/rerating/charged-calls';
import type { AccountStreamEvent } from '../../core/wallet';
import type { ReadModelStore, SqlValue } from '../../application/ports/read-model-store';
import { financePosition } from './reports';
import { isSettingEvent } from '../../core/wallet/setting-events';

/**
 * `finance_absorbed`: what the provider absorbed, one row per event: the part of a call's or
 * text's charge the account could not cover (`ChargeShortfall`, kind `call` or `sms`), the part
 * of a refund or chargeback beyond what its payment credited (`ReversalUncovered`, kind
 * `refund` or `chargeback`), and, negative, what a text's refund or a call's lower price
 * (`CallRerated`) cut from it.
 * None of it moves customers' credit, so the liability (paid balances) reconciles without it;
 * this is where finance sees the loss.
 */
export const ABSORBED_TABLE = `CREATE TABLE IF NOT EXISTS finance_absorbed (
  position BIGINT PRIMARY KEY, type TEXT NOT NULL, kind TEXT NOT NULL, reason TEXT NOT NULL, recorded_at TEXT NOT NULL,
  day TEXT NOT NULL, number TEXT NOT NULL, reference TEXT NOT NULL, currency TEXT NOT NULL, amount TEXT NOT NULL)`;

export const ABSORBED_EVENT_TYPES = ['ChargeShortfall', 'ReversalUncovered', 'SmsRefunded', 'CallRerated'] as const;

interface AbsorbedLine {
  readonly kind: string;
  readonly reason: string;
  readonly reference: string;
  readonly currency: string;
  /** Signed: a cancellation is negative. */
  readonly amount: Decimal;
}

/** The absorbed line of an event; null for events that absorb nothing. */
export function absorbedLine(e: AccountStreamEvent): AbsorbedLine | null {
  switch (e.type) {
    case 'ChargeShortfall':
      return {
        kind: e.data.kind,
        reason: e.data.reason,
        reference: e.data.reference,
        currency: e.data.currency,
        amount: new Decimal(e.data.amount),
      };
    case 'ReversalUncovered':
      return {
        kind: e.data.kind,
        reason: 'beyond-payment',
        reference: e.data.disputeId ?? e.data.paymentId,
        currency: e.data.currency,
        amount: new Decimal(e.data.amount),
      };
    case 'CallRerated': {
      const change = absorbedChange(e.data);
      if (change.isZero()) return null;
      return { kind: 'call', reason: 'rerated', reference: e.data.callId, currency: e.data.currency, amount: change };
    }
    case 'SmsRefunded': {
      const cancelled = new Decimal(e.data.absorbed);
      if (cancelled.isZero()) return null;
      return { kind: 'sms', reason: 'refunded', reference: e.data.smsId, currency: e.data.currency, amount: cancelled.negated() };
    }
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
    case 'SmsCharged':
    case 'CallAuthorized':
    case 'CallExtended':
    case 'ReservationReleased':
    case 'ReservationExpired':
    case 'SmsAccepted':
    case 'SmsFailed':
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
    case 'SmsSubmitted':
    case 'SmsDelivered':
    case 'SmsReceiptRecorded':
      return null;
    default: {
      if (isSettingEvent(e)) return null;
      const unhandled: never = e;
      return unhandled;
    }
  }
}

/** The `finance_absorbed` row of an event (in the table's column order), or null when it absorbs nothing. */
export function absorbedRow(e: AccountStreamEvent, r: RecordedEvent, number: string): SqlValue[] | null {
  const line = absorbedLine(e);
  if (!line) return null;
  return [
    r.position,
    e.type,
    line.kind,
    line.reason,
    r.recordedAt,
    r.recordedAt.slice(0, 10),
    number,
    line.reference,
    line.currency,
    line.amount.toFixed(),
  ];
}

export interface AbsorbedRow {
  readonly day: string;
  readonly currency: string;
  /** `call`, `sms` (charges beyond the credit), `refund`, `chargeback` (reversals beyond the payment). */
  readonly kind: string;
  readonly count: number;
  /** What the provider absorbed, net of cancellations. */
  readonly amount: string;
}

/**
 * Absorbed by the provider, per day (the day it was recorded), currency and kind, as of a log
 * position. Few rows (losses are exceptions), so summed here in exact decimals.
 */
export async function absorbedReport(
  rm: ReadModelStore,
  q: { from: string; to: string; asOf?: number },
): Promise<{ asOf: number; from: string; to: string; rows: AbsorbedRow[]; totals: { currency: string; amount: string }[] }> {
  const asOf = q.asOf ?? (await financePosition(rm));
  const lines = await rm.query<{ day: string; currency: string; kind: string; amount: string }>(
    'SELECT day, currency, kind, amount FROM finance_absorbed WHERE day >= ? AND day < ? AND position <= ? ORDER BY day, currency, kind',
    [q.from, q.to, asOf],
  );
  const rows = new Map<string, { day: string; currency: string; kind: string; count: number; amount: Decimal }>();
  const totals = new Map<string, Decimal>();
  for (const l of lines) {
    const key = `${l.day}\u0000${l.currency}\u0000${l.kind}`;
    const row = rows.get(key) ?? { day: l.day, currency: l.currency, kind: l.kind, count: 0, amount: new Decimal(0) };
    rows.set(key, { ...row, count: row.count + 1, amount: row.amount.plus(l.amount) });
    totals.set(l.currency, (totals.get(l.currency) ?? new Decimal(0)).plus(l.amount));
  }
  return {
    asOf,
    from: q.from,
    to: q.to,
    rows: [...rows.values()].map((r) => ({ ...r, amount: r.amount.toFixed() })),
    totals: [...totals]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([currency, amount]) => ({ currency, amount: amount.toFixed() })),
  };
}

/** Each account's absorbed total as of a position (what `finance check` compares with the log). */
export async function absorbedByAccount(rm: ReadModelStore, position: number): Promise<Map<string, Decimal>> {
  const lines = await rm.query<{ number: string; amount: string }>('SELECT number, amount FROM finance_absorbed WHERE position <= ?', [
    position,
  ]);
  const byNumber = new Map<string, Decimal>();
  for (const l of lines) byNumber.set(l.number, (byNumber.get(l.number) ?? new Decimal(0)).plus(l.amount));
  return byNumber;
}
