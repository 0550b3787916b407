import type { RecordedEvent } from '../../core/events/envelope';
import { accountStreamCodec, LEDGER_EVENT_TYPES, moneyEffect, type AccountStreamEvent } from '../../core/wallet';
import { countryOf } from '../../core/e164';
import { roundHalfEven } from '../../core/decimal-text';
import { decimalSql } from '../decimal-sql';
import type { Projection } from '../../application/ports/projection';
import { ABSORBED_EVENT_TYPES, ABSORBED_TABLE, absorbedRow } from './absorbed';
import { attemptRow, FinanceBatch, trafficRow } from './batch-rows';
import { dailyTable } from './daily-aggregates';
import { callRef, refsOf, rerateRef, textRef } from './refs';
import { dropFinanceViews } from './postgres-access';
import { isSettingEvent } from '../../core/wallet/setting-events';

const TRAFFIC_TYPES = [
  'CallAuthorized',
  'CallFailed',
  'CallCharged',
  'CallRerated',
  'CarrierCostRecorded',
  'SmsCharged',
  'SmsSubmitted',
  'SmsRefunded',
];

/**
 * The finance read model: one row per charged call or text (revenue, then the carrier's or
 * gateway's cost, then any refund, each with the log position it came at) and one row per event
 * that moved money (its change to paid and to promotional credit). Every report sums these rows
 * up to a log position, so "as of" any past position gives the same answer every time.
 */
export const financeProjection: Projection = {
  name: 'finance',
  // 2: amounts also as integer nano-units, so reports sum in SQL; 3: the call or text id and start, for reconciliation; 4: call attempts,
  // for carrier quality; 5: rerating rows; 6: daily sums; 7: absorbed by the provider; 8: amounts summed as exact decimals
  // (NUMERIC or TEXT), no nano-units
  version: 8,
  handles: [...new Set([...TRAFFIC_TYPES, ...LEDGER_EVENT_TYPES, ...ABSORBED_EVENT_TYPES])],
  async setup(tx) {
    const amount = decimalSql(tx.dialect).type;
    await tx.run(`CREATE TABLE IF NOT EXISTS finance_traffic (
      ref TEXT PRIMARY KEY, kind TEXT NOT NULL, external_id TEXT NOT NULL, started_at TEXT, position BIGINT NOT NULL, recorded_at TEXT NOT NULL, day TEXT NOT NULL,
      number TEXT NOT NULL, destination TEXT NOT NULL, country TEXT NOT NULL, currency TEXT NOT NULL, revenue ${amount} NOT NULL,
      units INTEGER NOT NULL, counterparty TEXT, prefix TEXT, cost TEXT, cost_rounded ${amount},
      cost_currency TEXT, cost_position BIGINT, refunded ${amount}, refund_position BIGINT, run_id TEXT)`);
    await tx.run('CREATE INDEX IF NOT EXISTS finance_traffic_day ON finance_traffic (day, position)');
    await tx.run('CREATE INDEX IF NOT EXISTS finance_traffic_counterparty ON finance_traffic (counterparty, day)');
    await tx.run(`CREATE TABLE IF NOT EXISTS finance_money (
      position BIGINT NOT NULL, type TEXT NOT NULL, recorded_at TEXT NOT NULL, day TEXT NOT NULL, number TEXT NOT NULL,
      reference TEXT NOT NULL, currency TEXT NOT NULL, paid ${amount} NOT NULL, promo ${amount} NOT NULL, PRIMARY KEY (position))`);
    await tx.run('CREATE INDEX IF NOT EXISTS finance_money_day ON finance_money (day, position)');
    await tx.run(dailyTable(tx.dialect));
    await tx.run(ABSORBED_TABLE);
    await tx.run(`CREATE TABLE IF NOT EXISTS finance_attempts (
      ref TEXT PRIMARY KEY, day TEXT NOT NULL, position BIGINT NOT NULL, first_carrier TEXT NOT NULL, outcome TEXT,
      outcome_position BIGINT, carried_by TEXT, seconds DOUBLE PRECISION)`);
  },
  async reset(tx) {
    // dropped, not emptied: an older version's tables lack columns; the views on them go first and come back after
    const viewsAgain = await dropFinanceViews(tx);
    for (const t of ['finance_traffic', 'finance_money', 'finance_attempts', 'finance_daily', 'finance_absorbed'])
      await tx.run(`DROP TABLE IF EXISTS ${t}`);
    await financeProjection.setup(tx);
    for (const sql of viewsAgain) await tx.run(sql);
  },
  async apply(recorded, tx) {
    await financeProjection.applyBatch!([recorded], tx);
  },
  async applyBatch(events, tx) {
    const decoded = events.map((r) => ({ r, e: accountStreamCodec.decode(r) }));
    const batch = new FinanceBatch(tx.dialect);
    await batch.load(tx, new Set(decoded.flatMap(({ e }) => refsOf(e))));
    for (const { e, r } of decoded) applyOne(e, r, batch);
    await batch.write(tx);
  },
};

const dayOf = (iso: string) => iso.slice(0, 10);

/**
 * A carrier's or gateway's cost as the finance sums add it: rounded half-even to 9 decimals, the
 * one rounding step of the sums (at most half a nano-unit per call), because the cost is kept
 * unrounded (up to 40 decimals) and its sums would outgrow decimal.js's 40 digits. The exact
 * cost is kept beside it. Charges, refunds and payments are summed as they are, exactly.
 */
export function roundedCost(amount: string): string {
  return roundHalfEven(amount, 9);
}

/** The money row of an event that moves paid or granted credit (the one money effect's line). */
function recordMoney(e: AccountStreamEvent, r: RecordedEvent, number: string, b: FinanceBatch): void {
  const effect = moneyEffect(e);
  if (effect && !(effect.paid.isZero() && effect.granted.isZero())) {
    const currency = (e.data as { currency?: string }).currency ?? '';
    b.addMoney([
      r.position,
      e.type,
      r.recordedAt,
      dayOf(r.recordedAt),
      number,
      effect.reference,
      currency,
      effect.paid.toFixed(),
      effect.granted.toFixed(),
    ]);
  }
}

type CallFact = Extract<
  AccountStreamEvent,
  { type: 'CallAuthorized' | 'CallFailed' | 'CallCharged' | 'CallRerated' | 'CarrierCostRecorded' }
>;
type TextFact = Extract<AccountStreamEvent, { type: 'SmsSubmitted' | 'SmsCharged' | 'SmsRefunded' }>;

/** A call's traffic row (revenue, units), once: on-net calls are free and have no carrier. */
function chargedCall(e: Extract<CallFact, { type: 'CallCharged' }>, r: RecordedEvent, number: string, b: FinanceBatch): void {
  // an emergency call is free too, yet its carrier invoices it: a row of no revenue keeps what emergency calls cost in the margin
  const ref = callRef(e.data);
  if (e.data.route === 'on-net' || b.trafficRow(ref)) return;
  b.setTraffic(
    ref,
    trafficRow({
      ref,
      kind: 'call',
      external_id: e.data.callId,
      started_at: e.data.answeredAt,
      position: r.position,
      recorded_at: r.recordedAt,
      day: dayOf(e.data.endedAt),
      number,
      destination: e.data.destination,
      country: countryOf(e.data.destination),
      currency: e.data.currency,
      revenue: e.data.amount,
      units: e.data.billedSeconds,
    }),
  );
}

/**
 * A correction is a row of its own (revenue = the delta, at its own position) on the call's day,
 * destination and carrier: "as of" before it, the call's first charge stands.
 */
function reratedCall(e: Extract<CallFact, { type: 'CallRerated' }>, r: RecordedEvent, b: FinanceBatch): void {
  const call = b.trafficRow(callRef(e.data));
  const ref = rerateRef(e.data);
  if (!call || b.trafficRow(ref)) return;
  b.setTraffic(
    ref,
    trafficRow({
      ref,
      kind: 'rerate',
      external_id: call.external_id,
      started_at: call.started_at,
      position: r.position,
      recorded_at: r.recordedAt,
      day: call.day,
      number: call.number,
      destination: call.destination,
      country: call.country,
      currency: call.currency,
      revenue: e.data.delta,
      units: 0,
      counterparty: call.counterparty,
      prefix: call.prefix,
      run_id: e.data.runId,
    }),
  );
}

/** A call's attempt, traffic (revenue, units) and cost rows. */
function recordCall(e: CallFact, r: RecordedEvent, number: string, b: FinanceBatch): void {
  const ref = callRef(e.data);
  switch (e.type) {
    case 'CallAuthorized': {
      // an attempt counts for the carrier LCR tried first
      const first = e.data.route === 'pstn' ? e.data.carriers[0] : undefined;
      if (first && !b.attempt(ref))
        b.setAttempt(ref, attemptRow({ ref, day: dayOf(e.data.at), position: r.position, first_carrier: first.carrierId }));
      return;
    }
    case 'CallFailed': {
      const a = b.attempt(ref);
      if (a && a.outcome === null) b.setAttempt(ref, Object.assign(attemptRow(a), { outcome: 'failed', outcome_position: r.position }));
      return;
    }
    case 'CallCharged': {
      const a = b.attempt(ref);
      if (a && a.outcome === null)
        b.setAttempt(ref, Object.assign(attemptRow(a), { outcome: 'answered', outcome_position: r.position, seconds: e.data.seconds }));
      return chargedCall(e, r, number, b);
    }
    case 'CallRerated':
      return reratedCall(e, r, b);
    case 'CarrierCostRecorded': {
      const a = b.attempt(ref);
      if (a) b.setAttempt(ref, Object.assign(attemptRow(a), { carried_by: e.data.carrierId }));
      const t = b.trafficRow(ref);
      if (t)
        b.setTraffic(
          ref,
          Object.assign(trafficRow(t), {
            counterparty: e.data.carrierId,
            prefix: e.data.prefix,
            cost: e.data.cost,
            cost_rounded: roundedCost(e.data.cost),
            cost_currency: e.data.currency,
            cost_position: r.position,
          }),
        );
      return;
    }
  }
}

/** A text's traffic row: submitted (cost), charged (revenue), refunded. */
function recordText(e: TextFact, r: RecordedEvent, number: string, b: FinanceBatch): void {
  const ref = textRef(e.data);
  const row = b.trafficRow(ref);
  switch (e.type) {
    case 'SmsSubmitted':
      // the cost is known at submission; the revenue row follows in the same append (SmsCharged)
      if (row) return;
      b.setTraffic(
        ref,
        trafficRow({
          ref,
          kind: 'sms',
          external_id: e.data.smsId,
          started_at: e.data.at,
          position: r.position,
          recorded_at: r.recordedAt,
          day: dayOf(e.data.at),
          number,
          destination: '',
          country: '',
          currency: '',
          revenue: '0',
          units: e.data.cost.segments,
          counterparty: e.data.gatewayId,
          prefix: e.data.cost.prefix,
          cost: e.data.cost.amount,
          cost_rounded: roundedCost(e.data.cost.amount),
          cost_currency: e.data.cost.currency,
          cost_position: r.position,
        }),
      );
      return;
    case 'SmsCharged':
      // one append carries both: the text counts from this position, revenue and cost alike
      if (row)
        b.setTraffic(
          ref,
          Object.assign(trafficRow(row), {
            destination: e.data.to,
            country: countryOf(e.data.to),
            currency: e.data.currency,
            revenue: e.data.amount,
            units: e.data.segments,
            position: r.position,
            cost_position: r.position,
          }),
        );
      return;
    case 'SmsRefunded':
      if (row) b.setTraffic(ref, Object.assign(trafficRow(row), { refunded: e.data.amount, refund_position: r.position }));
      return;
    // the rest move nothing this read model keeps
  }
}

function applyOne(e: AccountStreamEvent, r: RecordedEvent, b: FinanceBatch): void {
  const number = r.stream.slice('account-'.length);
  recordMoney(e, r, number, b);
  const absorbed = absorbedRow(e, r, number);
  if (absorbed) b.addAbsorbed(absorbed);
  switch (e.type) {
    case 'CallAuthorized':
    case 'CallFailed':
    case 'CallCharged':
    case 'CallRerated':
    case 'CarrierCostRecorded':
      return recordCall(e, r, number, b);
    case 'SmsSubmitted':
    case 'SmsCharged':
    case 'SmsRefunded':
      return recordText(e, r, number, b);
    case 'CreditPurchased':
    case 'CreditRefunded':
    case 'ChargebackDebited':
    case 'ChargebackReversed':
    case 'CreditGranted':
    case 'CreditExpired':
    case 'VoucherRedeemed':
    case 'WalletCharged':
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
    case 'CdrUnmatched':
    case 'ChargeShortfall':
    case 'ReversalUncovered':
    case 'SmsDelivered':
    case 'SmsReceiptRecorded':
      return;
    default: {
      if (isSettingEvent(e)) return;
      const unhandled: never = e;
      return unhandled;
    }
  }
}
