import type { RecordedEvent } from '../../core/events/envelope';
import { accountStreamCodec, LEDGER_EVENT_TYPES, moneyEffect, type AccountStreamEvent } from '../../core/wallet';
import { countryOf } from '../../core/e164';
import { Decimal, roundDecimal } from '../../core/money';
import { decimalSql } from '../decimal-sql';
import type { Projection } from '../../application/ports/projection';
import type { SqlTx } from '../../application/ports/read-model-store';
import { ABSORBED_EVENT_TYPES, ABSORBED_TABLE, recordAbsorbed } from './absorbed';
import { changeTraffic, dailyTable, DailySums, traffic } from './daily-aggregates';
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
    const sums = new DailySums(tx.dialect);
    for (const recorded of events) await applyOne(accountStreamCodec.decode(recorded), recorded, tx, sums);
    await sums.write(tx);
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
  return roundDecimal(new Decimal(amount), 'half-even', 9).toFixed();
}

/** The money row of an event that moves paid or granted credit (the one money effect's line). */
async function recordMoney(e: AccountStreamEvent, r: RecordedEvent, number: string, tx: SqlTx): Promise<void> {
  const effect = moneyEffect(e);
  if (effect && !(effect.paid.isZero() && effect.granted.isZero())) {
    const currency = (e.data as { currency?: string }).currency ?? '';
    await tx.run(
      `INSERT INTO finance_money (position, type, recorded_at, day, number, reference, currency, paid, promo)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (position) DO NOTHING`,
      [
        r.position,
        e.type,
        r.recordedAt,
        dayOf(r.recordedAt),
        number,
        effect.reference,
        currency,
        effect.paid.toFixed(),
        effect.granted.toFixed(),
      ],
    );
  }
}

type CallFact = Extract<
  AccountStreamEvent,
  { type: 'CallAuthorized' | 'CallFailed' | 'CallCharged' | 'CallRerated' | 'CarrierCostRecorded' }
>;
type TextFact = Extract<AccountStreamEvent, { type: 'SmsSubmitted' | 'SmsCharged' | 'SmsRefunded' }>;

/** A call's attempt, traffic (revenue, units) and cost rows. */
async function recordCall(e: CallFact, r: RecordedEvent, number: string, tx: SqlTx, sums: DailySums): Promise<void> {
  const attempt = `call:${(e.data as { accountId: string }).accountId}:${(e.data as { callId?: string }).callId ?? ''}`;
  switch (e.type) {
    case 'CallAuthorized':
      // an attempt counts for the carrier LCR tried first
      if (e.data.route === 'pstn' && e.data.carriers[0])
        await tx.run(`INSERT INTO finance_attempts (ref, day, position, first_carrier) VALUES (?, ?, ?, ?) ON CONFLICT (ref) DO NOTHING`, [
          attempt,
          dayOf(e.data.at),
          r.position,
          e.data.carriers[0].carrierId,
        ]);
      return;
    case 'CallFailed':
      await tx.run(`UPDATE finance_attempts SET outcome = 'failed', outcome_position = ? WHERE ref = ? AND outcome IS NULL`, [
        r.position,
        attempt,
      ]);
      return;
    case 'CallCharged':
      await tx.run(
        `UPDATE finance_attempts SET outcome = 'answered', outcome_position = ?, seconds = ? WHERE ref = ? AND outcome IS NULL`,
        [r.position, e.data.seconds, attempt],
      );
      // on-net calls are free and have no carrier; an emergency call is free too, yet its carrier
      // invoices it: a row of no revenue keeps what emergency calls cost in the margin
      if (e.data.route === 'on-net') return;
      await traffic(tx, sums, r, number, {
        ref: `call:${e.data.accountId}:${e.data.callId}`,
        kind: 'call',
        externalId: e.data.callId,
        startedAt: e.data.answeredAt,
        day: dayOf(e.data.endedAt),
        destination: e.data.destination,
        currency: e.data.currency,
        revenue: e.data.amount,
        units: e.data.billedSeconds,
      });
      return;
    case 'CallRerated':
      // a correction is a row of its own (revenue = the delta, at its own position) on the call's
      // day, destination and carrier: "as of" before it, the call's first charge stands
      await changeTraffic(tx, sums, `rerate:${e.data.accountId}:${e.data.callId}:${e.data.sequence}`, () =>
        tx.run(
          `INSERT INTO finance_traffic (ref, kind, external_id, started_at, position, recorded_at, day, number, destination, country, currency,
           revenue, units, counterparty, prefix, run_id)
         SELECT ?, 'rerate', external_id, started_at, ?, ?, day, number, destination, country, currency, CAST(? AS ${decimalSql(tx.dialect).type}),
           0, counterparty, prefix, ?
         FROM finance_traffic WHERE ref = ? ON CONFLICT (ref) DO NOTHING`,
          [
            `rerate:${e.data.accountId}:${e.data.callId}:${e.data.sequence}`,
            r.position,
            r.recordedAt,
            e.data.delta,
            e.data.runId,
            `call:${e.data.accountId}:${e.data.callId}`,
          ],
        ),
      );
      return;
    case 'CarrierCostRecorded':
      await tx.run('UPDATE finance_attempts SET carried_by = ? WHERE ref = ?', [e.data.carrierId, attempt]);
      await changeTraffic(tx, sums, `call:${e.data.accountId}:${e.data.callId}`, () =>
        tx.run(
          `UPDATE finance_traffic SET counterparty = ?, prefix = ?, cost = ?, cost_rounded = ?, cost_currency = ?, cost_position = ? WHERE ref = ?`,
          [
            e.data.carrierId,
            e.data.prefix,
            e.data.cost,
            roundedCost(e.data.cost),
            e.data.currency,
            r.position,
            `call:${e.data.accountId}:${e.data.callId}`,
          ],
        ),
      );
      return;
  }
}

/** A text's traffic row: submitted (cost), charged (revenue), refunded. */
async function recordText(e: TextFact, r: RecordedEvent, number: string, tx: SqlTx, sums: DailySums): Promise<void> {
  switch (e.type) {
    case 'SmsSubmitted':
      // the cost is known at submission; the revenue row follows in the same append (SmsCharged)
      await changeTraffic(tx, sums, `sms:${e.data.accountId}:${e.data.smsId}`, () =>
        tx.run(
          `INSERT INTO finance_traffic (ref, kind, external_id, started_at, position, recorded_at, day, number, destination, country, currency, revenue,
           units, counterparty, prefix, cost, cost_rounded, cost_currency, cost_position)
         VALUES (?, 'sms', ?, ?, ?, ?, ?, ?, '', '', '', '0', ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ref) DO NOTHING`,
          [
            `sms:${e.data.accountId}:${e.data.smsId}`,
            e.data.smsId,
            e.data.at,
            r.position,
            r.recordedAt,
            dayOf(e.data.at),
            number,
            e.data.cost.segments,
            e.data.gatewayId,
            e.data.cost.prefix,
            e.data.cost.amount,
            roundedCost(e.data.cost.amount),
            e.data.cost.currency,
            r.position,
          ],
        ),
      );
      return;
    case 'SmsCharged':
      await changeTraffic(tx, sums, `sms:${e.data.accountId}:${e.data.smsId}`, () =>
        tx.run(
          // one append carries both: the text counts from this position, revenue and cost alike
          `UPDATE finance_traffic SET destination = ?, country = ?, currency = ?, revenue = ?, units = ?, position = ?,
           cost_position = ? WHERE ref = ?`,
          [
            e.data.to,
            countryOf(e.data.to),
            e.data.currency,
            e.data.amount,
            e.data.segments,
            r.position,
            r.position,
            `sms:${e.data.accountId}:${e.data.smsId}`,
          ],
        ),
      );
      return;
    case 'SmsRefunded':
      await changeTraffic(tx, sums, `sms:${e.data.accountId}:${e.data.smsId}`, () =>
        tx.run('UPDATE finance_traffic SET refunded = ?, refund_position = ? WHERE ref = ?', [
          e.data.amount,
          r.position,
          `sms:${e.data.accountId}:${e.data.smsId}`,
        ]),
      );
      return;
    // the rest move nothing this read model keeps
  }
}

async function applyOne(e: AccountStreamEvent, r: RecordedEvent, tx: SqlTx, sums: DailySums): Promise<void> {
  const number = r.stream.slice('account-'.length);
  await recordMoney(e, r, number, tx);
  await recordAbsorbed(e, r, number, tx);
  switch (e.type) {
    case 'CallAuthorized':
    case 'CallFailed':
    case 'CallCharged':
    case 'CallRerated':
    case 'CarrierCostRecorded':
      return recordCall(e, r, number, tx, sums);
    case 'SmsSubmitted':
    case 'SmsCharged':
    case 'SmsRefunded':
      return recordText(e, r, number, tx, sums);
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
