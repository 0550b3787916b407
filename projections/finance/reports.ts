import { Decimal } from '../../core/money';
import type { ReadModelStore } from '../read-model-store';

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

interface TrafficRow {
  kind: 'call' | 'sms';
  day: string;
  country: string;
  prefix: string | null;
  counterparty: string | null;
  currency: string;
  revenue: string;
  units: number | string;
  cost: string | null;
  cost_currency: string | null;
  cost_position: number | string | null;
  refunded: string | null;
  refund_position: number | string | null;
}

/** The position the finance projection has reached: a report asked without `asOf` is as of this. */
export async function financePosition(rm: ReadModelStore): Promise<number> {
  const [row] = await rm.query<{ position: number | string }>('SELECT position FROM trunkline_projections WHERE name = ?', ['finance']);
  return Number(row?.position ?? 0);
}

const keyOf = (r: TrafficRow, by: MarginBy) =>
  by === 'day'
    ? r.day
    : by === 'carrier'
      ? `${r.kind === 'sms' ? 'sms' : 'voice'}:${r.counterparty ?? 'unknown'}`
      : `${r.country} +${r.prefix ?? ''}`;

/**
 * Revenue, cost and margin of calls and texts whose day is in [from, to), grouped by day,
 * destination (country and the carrier's or gateway's prefix) or carrier/gateway, as of a log
 * position: facts recorded after it do not count, so the same question gets the same answer.
 */
export async function marginReport(
  rm: ReadModelStore,
  q: { from: string; to: string; by: MarginBy; asOf?: number },
): Promise<{ asOf: number; from: string; to: string; by: MarginBy; rows: MarginRow[]; totals: MarginRow[] }> {
  const asOf = q.asOf ?? (await financePosition(rm));
  const rows = await rm.query<TrafficRow>(
    `SELECT kind, day, country, prefix, counterparty, currency, revenue, units, cost, cost_currency, cost_position, refunded, refund_position
     FROM finance_traffic WHERE day >= ? AND day < ? AND position <= ?`,
    [q.from, q.to, asOf],
  );
  const groups = new Map<string, Acc>();
  const totals = new Map<string, Acc>();
  for (const r of rows) {
    for (const [map, key] of [
      [groups, `${keyOf(r, q.by)}\u0000${r.currency}`],
      [totals, `total\u0000${r.currency}`],
    ] as const)
      add(map, key, r, asOf);
  }
  const present = (m: Map<string, Acc>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, a]) => finish(k, a));
  return { asOf, from: q.from, to: q.to, by: q.by, rows: present(groups), totals: present(totals) };
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

function add(map: Map<string, Acc>, key: string, r: TrafficRow, asOf: number): void {
  let a = map.get(key);
  if (!a)
    map.set(
      key,
      (a = { calls: 0, seconds: 0, texts: 0, segments: 0, revenue: new Decimal(0), cost: new Decimal(0), elsewhere: new Map() }),
    );
  if (r.kind === 'call') {
    a.calls++;
    a.seconds += Number(r.units);
  } else {
    a.texts++;
    a.segments += Number(r.units);
  }
  a.revenue = a.revenue.plus(r.revenue);
  if (r.refunded !== null && Number(r.refund_position) <= asOf) a.revenue = a.revenue.minus(r.refunded);
  if (r.cost !== null && r.cost_currency !== null && Number(r.cost_position) <= asOf) {
    if (r.cost_currency === r.currency) a.cost = a.cost.plus(r.cost);
    else a.elsewhere.set(r.cost_currency, (a.elsewhere.get(r.cost_currency) ?? new Decimal(0)).plus(r.cost));
  }
}

function finish(k: string, a: Acc): MarginRow {
  const [key, currency] = k.split('\u0000') as [string, string];
  const margin = a.revenue.minus(a.cost);
  return {
    key,
    currency,
    calls: a.calls,
    billedMinutes: new Decimal(a.seconds).dividedBy(60).toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN).toFixed(2),
    texts: a.texts,
    segments: a.segments,
    revenue: a.revenue.toFixed(),
    cost: a.cost.toFixed(),
    margin: margin.toFixed(),
    marginPercent: a.revenue.isZero()
      ? null
      : margin.dividedBy(a.revenue).times(100).toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN).toFixed(2),
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
  const rows = await rm.query<{ currency: string; paid: string; promo: string }>(
    'SELECT currency, paid, promo FROM finance_money WHERE position <= ?',
    [asOf],
  );
  const by = new Map<string, { paid: Decimal; promo: Decimal }>();
  for (const r of rows) {
    const a = by.get(r.currency) ?? { paid: new Decimal(0), promo: new Decimal(0) };
    by.set(r.currency, { paid: a.paid.plus(r.paid), promo: a.promo.plus(r.promo) });
  }
  return {
    asOf,
    rows: [...by]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([currency, a]) => ({ currency, paid: a.paid.toFixed(), promotional: a.promo.toFixed() })),
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
  const rows = await rm.query<{ day: string; currency: string; type: string; paid: string; promo: string }>(
    'SELECT day, currency, type, paid, promo FROM finance_money WHERE day >= ? AND day < ? AND position <= ?',
    [q.from, q.to, asOf],
  );
  const by = new Map<string, { count: number; paid: Decimal; promo: Decimal }>();
  for (const r of rows) {
    const k = `${r.day}\u0000${r.currency}\u0000${r.type}`;
    const a = by.get(k) ?? { count: 0, paid: new Decimal(0), promo: new Decimal(0) };
    by.set(k, { count: a.count + 1, paid: a.paid.plus(r.paid), promo: a.promo.plus(r.promo) });
  }
  return {
    asOf,
    from: q.from,
    to: q.to,
    rows: [...by]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, a]) => {
        const [day, currency, type] = k.split('\u0000') as [string, string, string];
        return { day, currency, type, count: a.count, paid: a.paid.toFixed(), promotional: a.promo.toFixed() };
      }),
  };
}
