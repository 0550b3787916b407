import { Decimal, roundDecimal } from '../../core/money';
import { decimalSql } from '../decimal-sql';
import type { ReadModelStore } from '../../application/ports/read-model-store';

export type MarginBy = 'day' | 'destination' | 'carrier';

export interface MarginRow {
  readonly key: string;
  readonly currency: string;
  readonly calls: number;
  readonly billedMinutes: string;
  readonly texts: number;
  readonly segments: number;
  /** Charges, less SMS refunds. */
  readonly revenue: string;
  /** What carriers and gateways invoice, in the row's currency (other currencies are in `costElsewhere`). */
  readonly cost: string;
  readonly margin: string;
  /** margin / revenue × 100, two decimals (half-even); null without revenue. */
  readonly marginPercent: string | null;
  readonly costElsewhere: Readonly<Record<string, string>>;
}

/** A group's sums as SQL returns them: counts as numbers, amounts as exact decimal text. */
interface SumRow {
  key: string;
  currency: string;
  cost_currency: string | null;
  calls: number | string;
  seconds: number | string | null;
  texts: number | string;
  segments: number | string | null;
  revenue: string | null;
  refunded: string | null;
  cost: string | null;
}

interface Acc {
  calls: number;
  seconds: number;
  texts: number;
  segments: number;
  revenue: Decimal;
  cost: Decimal;
  elsewhere: Map<string, Decimal>;
}

/** The position the finance projection has reached: a report asked without `asOf` is as of this. */
export async function financePosition(rm: ReadModelStore): Promise<number> {
  const [row] = await rm.query<{ position: number | string }>('SELECT position FROM trunkline_projections WHERE name = ?', ['finance']);
  return Number(row?.position ?? 0);
}

const KEY: Readonly<Record<MarginBy, string>> = {
  day: 'day',
  destination: "country || ' +' || COALESCE(prefix, '')",
  carrier: "(CASE kind WHEN 'sms' THEN 'sms:' ELSE 'voice:' END) || COALESCE(counterparty, 'unknown')",
};

/** The same keys over the daily sums (whose empty strings stand for the rows' NULLs). */
const DAILY_KEY: Readonly<Record<MarginBy, string>> = {
  day: 'day',
  destination: "country || ' +' || prefix",
  carrier: "(CASE kind WHEN 'sms' THEN 'sms:' ELSE 'voice:' END) || COALESCE(NULLIF(counterparty, ''), 'unknown')",
};

const amountOf = (text: string | null) => new Decimal(text ?? '0');

/**
 * Revenue, cost and margin of calls and texts whose day is in [from, to), grouped by day,
 * destination (country and the carrier's or gateway's prefix) or carrier/gateway, as of a log
 * position: facts recorded after it do not count, so the same question gets the same answer.
 * Summed exactly by the database (see decimal-sql.ts; costs as `roundedCost`), once per group:
 * from the daily sums (`finance_daily`) for each day all of whose facts are at or before asOf,
 * from a scan of the rows for the other days (`source: 'scan'` scans every day; tests compare).
 */
export async function marginReport(
  rm: ReadModelStore,
  q: { from: string; to: string; by: MarginBy; asOf?: number; source?: 'auto' | 'scan' },
): Promise<{ asOf: number; from: string; to: string; by: MarginBy; rows: MarginRow[]; totals: MarginRow[] }> {
  const asOf = q.asOf ?? (await financePosition(rm));
  const { sum } = decimalSql(rm.dialect);
  // per day: the daily sums answer for a day whose every fact is at or before asOf (a day long
  // closed, as of any later position); the other days' rows are scanned, up to asOf
  const days =
    q.source === 'scan'
      ? null
      : await rm.query<{ day: string; p: number | string }>(
          'SELECT day, MAX(max_position) AS p FROM finance_daily WHERE day >= ? AND day < ? GROUP BY day',
          [q.from, q.to],
        );
  // a day with no daily sums has no traffic rows either
  const fresh = (days ?? []).filter((d) => Number(d.p) <= asOf).map((d) => d.day);
  const stale = days?.filter((d) => Number(d.p) > asOf).map((d) => d.day) ?? null;
  const marks = fresh.map(() => '?').join(', ');
  const sums: SumRow[] = [];
  if (fresh.length > 0)
    sums.push(
      ...(await rm.query<SumRow>(
        `SELECT ${DAILY_KEY[q.by]} AS key, currency, NULLIF(cost_currency, '') AS cost_currency,
           SUM(CASE kind WHEN 'call' THEN items ELSE 0 END) AS calls,
           SUM(CASE kind WHEN 'call' THEN units ELSE 0 END) AS seconds,
           SUM(CASE kind WHEN 'sms' THEN items ELSE 0 END) AS texts,
           SUM(CASE kind WHEN 'sms' THEN units ELSE 0 END) AS segments,
           ${sum('revenue')} AS revenue, ${sum('refunded')} AS refunded, ${sum('cost')} AS cost
         FROM finance_daily WHERE day IN (${marks}) AND items <> 0
         GROUP BY 1, currency, 3`,
        fresh,
      )),
    );
  // the other days in one scan (the (day, position) index skips rows past asOf): grouped by key, currency and the cost's currency
  if (stale === null || stale.length > 0)
    sums.push(
      ...(await rm.query<SumRow>(
        `SELECT ${KEY[q.by]} AS key, currency, cost_currency,
           SUM(CASE kind WHEN 'call' THEN 1 ELSE 0 END) AS calls,
           SUM(CASE kind WHEN 'call' THEN units ELSE 0 END) AS seconds,
           SUM(CASE kind WHEN 'sms' THEN 1 ELSE 0 END) AS texts,
           SUM(CASE kind WHEN 'sms' THEN units ELSE 0 END) AS segments,
           ${sum('revenue')} AS revenue,
           ${sum('CASE WHEN refund_position <= ? THEN refunded END')} AS refunded,
           ${sum('CASE WHEN cost_position <= ? THEN cost_rounded END')} AS cost
         FROM finance_traffic WHERE ${stale === null ? 'day >= ? AND day < ?' : `day IN (${stale.map(() => '?').join(', ')})`} AND position <= ?
         GROUP BY 1, currency, cost_currency`,
        [asOf, asOf, ...(stale === null ? [q.from, q.to] : stale), asOf],
      )),
    );
  const groups = new Map<string, Acc>();
  const totals = new Map<string, Acc>();
  for (const r of sums)
    for (const [map, key] of [
      [groups, r.key],
      [totals, 'total'],
    ] as const)
      add(map, `${key}\u0000${r.currency}`, r);
  const present = (m: Map<string, Acc>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, a]) => finish(k, a));
  return { asOf, from: q.from, to: q.to, by: q.by, rows: present(groups), totals: present(totals) };
}

function add(map: Map<string, Acc>, key: string, r: SumRow): void {
  let a = map.get(key);
  if (!a)
    map.set(
      key,
      (a = { calls: 0, seconds: 0, texts: 0, segments: 0, revenue: new Decimal(0), cost: new Decimal(0), elsewhere: new Map() }),
    );
  a.calls += Number(r.calls);
  a.seconds += Number(r.seconds ?? 0);
  a.texts += Number(r.texts);
  a.segments += Number(r.segments ?? 0);
  a.revenue = a.revenue.plus(amountOf(r.revenue)).minus(amountOf(r.refunded));
  const cost = amountOf(r.cost);
  if (r.cost_currency === null || r.cost_currency === r.currency) a.cost = a.cost.plus(cost);
  else a.elsewhere.set(r.cost_currency, (a.elsewhere.get(r.cost_currency) ?? new Decimal(0)).plus(cost));
}

function finish(k: string, a: Acc): MarginRow {
  const [key, currency] = k.split('\u0000') as [string, string];
  const margin = a.revenue.minus(a.cost);
  return {
    key,
    currency,
    calls: a.calls,
    billedMinutes: roundDecimal(new Decimal(a.seconds).dividedBy(60), 'half-even', 2).toFixed(2),
    texts: a.texts,
    segments: a.segments,
    revenue: a.revenue.toFixed(),
    cost: a.cost.toFixed(),
    margin: margin.toFixed(),
    marginPercent: a.revenue.isZero() ? null : roundDecimal(margin.dividedBy(a.revenue).times(100), 'half-even', 2).toFixed(2),
    costElsewhere: Object.fromEntries([...a.elsewhere].map(([c, v]) => [c, v.toFixed()])),
  };
}

export interface LiabilityRow {
  readonly currency: string;
  /** Prepaid credit customers paid for and have not spent: what the provider owes (deferred revenue). */
  readonly paid: string;
  /** Promotional credit outstanding: not a liability in money, shown apart. */
  readonly promotional: string;
}

/** The sum of paid balances (and, apart, of promotional credit) as of a log position. */
export async function liabilityReport(rm: ReadModelStore, q: { asOf?: number }): Promise<{ asOf: number; rows: LiabilityRow[] }> {
  const asOf = q.asOf ?? (await financePosition(rm));
  const { sum } = decimalSql(rm.dialect);
  const rows = await rm.query<{ currency: string; paid: string; promo: string }>(
    `SELECT currency, ${sum('paid')} AS paid, ${sum('promo')} AS promo
     FROM finance_money WHERE position <= ? GROUP BY currency ORDER BY currency`,
    [asOf],
  );
  return {
    asOf,
    rows: rows.map((r) => ({ currency: r.currency, paid: amountOf(r.paid).toFixed(), promotional: amountOf(r.promo).toFixed() })),
  };
}

export interface PaymentsRow {
  readonly day: string;
  readonly currency: string;
  readonly type: string;
  readonly count: number;
  /** Change to paid credit (top-ups in, refunds and chargebacks out). */
  readonly paid: string;
  /** Change to promotional credit (granted in, expired and spent out). */
  readonly promotional: string;
}

/** Money in and out per day and kind of event (top-ups, refunds, disputes, vouchers, promotions, charges), as of a log position. */
export async function paymentsReport(
  rm: ReadModelStore,
  q: { from: string; to: string; asOf?: number },
): Promise<{ asOf: number; from: string; to: string; rows: PaymentsRow[] }> {
  const asOf = q.asOf ?? (await financePosition(rm));
  const { sum } = decimalSql(rm.dialect);
  const rows = await rm.query<{ day: string; currency: string; type: string; count: number | string; paid: string; promo: string }>(
    `SELECT day, currency, type, COUNT(*) AS count, ${sum('paid')} AS paid, ${sum('promo')} AS promo
     FROM finance_money WHERE day >= ? AND day < ? AND position <= ? GROUP BY day, currency, type ORDER BY day, currency, type`,
    [q.from, q.to, asOf],
  );
  return {
    asOf,
    from: q.from,
    to: q.to,
    rows: rows.map((r) => ({
      day: r.day,
      currency: r.currency,
      type: r.type,
      count: Number(r.count),
      paid: amountOf(r.paid).toFixed(),
      promotional: amountOf(r.promo).toFixed(),
    })),
  };
}

export interface CarrierQualityRow {
  readonly carrier: string;
  /** Calls that ended (answered or not) for which LCR tried this carrier first. */
  readonly attempts: number;
  readonly answered: number;
  /** Answer-seizure ratio: answered / attempts × 100 (2 decimals, half-even). */
  readonly asrPercent: string | null;
  /** Calls this carrier carried (first choice or after a failover) and their average duration. */
  readonly carried: number;
  readonly acdSeconds: string | null;
  /** Attempts answered by another carrier after this one failed. */
  readonly failedOver: number;
  readonly failoverPercent: string | null;
}

const percent = (part: number, whole: number) =>
  whole === 0 ? null : roundDecimal(new Decimal(part).dividedBy(whole).times(100), 'half-even', 2).toFixed(2);

/** ASR, ACD and failover per carrier for calls whose day is in [from, to), as of a log position. */
export async function carrierQualityReport(
  rm: ReadModelStore,
  q: { from: string; to: string; asOf?: number },
): Promise<{ asOf: number; from: string; to: string; rows: CarrierQualityRow[] }> {
  const asOf = q.asOf ?? (await financePosition(rm));
  const tried = await rm.query<{ carrier: string; attempts: number | string; answered: number | string; failed_over: number | string }>(
    `SELECT first_carrier AS carrier, COUNT(*) AS attempts,
       SUM(CASE outcome WHEN 'answered' THEN 1 ELSE 0 END) AS answered,
       SUM(CASE WHEN outcome = 'answered' AND carried_by IS NOT NULL AND carried_by <> first_carrier THEN 1 ELSE 0 END) AS failed_over
     FROM finance_attempts WHERE day >= ? AND day < ? AND outcome_position <= ? GROUP BY first_carrier`,
    [q.from, q.to, asOf],
  );
  const carried = await rm.query<{ carrier: string; calls: number | string; seconds: number | string }>(
    `SELECT carried_by AS carrier, COUNT(*) AS calls, SUM(seconds) AS seconds FROM finance_attempts
     WHERE day >= ? AND day < ? AND outcome_position <= ? AND outcome = 'answered' AND carried_by IS NOT NULL GROUP BY carried_by`,
    [q.from, q.to, asOf],
  );
  const carriers = [...new Set([...tried.map((t) => t.carrier), ...carried.map((c) => c.carrier)])].sort();
  const rows = carriers.map((carrier): CarrierQualityRow => {
    const t = tried.find((x) => x.carrier === carrier);
    const c = carried.find((x) => x.carrier === carrier);
    const attempts = Number(t?.attempts ?? 0);
    const answered = Number(t?.answered ?? 0);
    const failedOver = Number(t?.failed_over ?? 0);
    const calls = Number(c?.calls ?? 0);
    return {
      carrier,
      attempts,
      answered,
      asrPercent: percent(answered, attempts),
      carried: calls,
      acdSeconds: calls === 0 ? null : roundDecimal(new Decimal(Number(c!.seconds)).dividedBy(calls), 'half-even', 1).toFixed(1),
      failedOver,
      failoverPercent: percent(failedOver, attempts),
    };
  });
  return { asOf, from: q.from, to: q.to, rows };
}
