import { DecimalSum } from '../../core/decimal-text';
import { decimalSql } from '../decimal-sql';
import type { SqlTx } from '../../application/ports/read-model-store';

/**
 * `finance_daily`: the traffic rows summed per day and group (kind, country, prefix, carrier or
 * gateway, currency, cost currency), kept up to date as the rows change, so a month's margin is
 * a read of a few thousand sums instead of a scan of a million rows. `max_position` bounds the
 * log positions of everything summed in a group: a report as of a position at or past every
 * bound in its period reads these sums; one as of an earlier position scans the rows. A group
 * all of whose rows moved elsewhere is left at zero (items 0): reports skip it, and deleting it
 * on the way would cost a statement per move.
 */
export const dailyTable = (dialect: SqlTx['dialect']) => `CREATE TABLE IF NOT EXISTS finance_daily (
  day TEXT NOT NULL, kind TEXT NOT NULL, country TEXT NOT NULL, prefix TEXT NOT NULL, counterparty TEXT NOT NULL,
  currency TEXT NOT NULL, cost_currency TEXT NOT NULL, items BIGINT NOT NULL, units BIGINT NOT NULL,
  revenue ${decimalSql(dialect).type} NOT NULL, refunded ${decimalSql(dialect).type} NOT NULL, cost ${decimalSql(dialect).type} NOT NULL,
  max_position BIGINT NOT NULL, PRIMARY KEY (day, kind, country, prefix, counterparty, currency, cost_currency))`;

/** The columns of a traffic row that its group's sums depend on. */
export interface SummedTraffic {
  day: string;
  kind: string;
  country: string;
  prefix: string | null;
  counterparty: string | null;
  currency: string;
  cost_currency: string | null;
  units: number | string;
  /** Amounts as decimal strings (TEXT, or NUMERIC as PostgreSQL returns it). */
  revenue: string;
  refunded: string | null;
  cost_rounded: string | null;
  position: number | string;
  cost_position: number | string | null;
  refund_position: number | string | null;
}

const keyOf = (r: SummedTraffic) => [r.day, r.kind, r.country, r.prefix ?? '', r.counterparty ?? '', r.currency, r.cost_currency ?? ''];

interface GroupSum {
  readonly key: readonly string[];
  items: number;
  units: number;
  readonly revenue: DecimalSum;
  readonly refunded: DecimalSum;
  readonly cost: DecimalSum;
  bound: number;
}

/**
 * The changes to `finance_daily` of one batch, summed per group in memory and written once per
 * group when the batch ends: a call moves its group's sums two or three times (charged, then
 * costed), and a batch holds thousands of calls of a few hundred groups. Amounts are summed
 * exactly and printed as the store would have added them one after another (on SQLite the
 * store's canonical text, on PostgreSQL NUMERIC's larger scale), so the rows read the same as one
 * upsert per change.
 */
export class DailySums {
  private readonly groups = new Map<string, GroupSum>();
  constructor(private readonly dialect: SqlTx['dialect']) {}

  /** Adds a traffic row's contribution to its group (`sign` -1 takes it away). */
  contribute(r: SummedTraffic, sign: 1 | -1): void {
    const bound = Math.max(Number(r.position), Number(r.cost_position ?? 0), Number(r.refund_position ?? 0));
    const key = keyOf(r);
    const id = key.join('\u0000');
    let g = this.groups.get(id);
    if (!g) {
      g = { key, items: 0, units: 0, revenue: new DecimalSum(), refunded: new DecimalSum(), cost: new DecimalSum(), bound };
      this.groups.set(id, g);
    }
    g.items += sign;
    g.units += sign * Number(r.units);
    g.revenue.add(r.revenue, sign);
    if (r.refunded !== null) g.refunded.add(r.refunded, sign);
    if (r.cost_rounded !== null) g.cost.add(r.cost_rounded, sign);
    g.bound = Math.max(g.bound, bound);
  }

  /** Writes each group's sums: one upsert per group the batch touched. */
  async write(tx: SqlTx): Promise<void> {
    const { add } = decimalSql(tx.dialect);
    const amount = (sum: DecimalSum) => (this.dialect === 'postgres' ? sum.textKeepingScale() : sum.text());
    for (const g of this.groups.values())
      await tx.run(
        `INSERT INTO finance_daily (day, kind, country, prefix, counterparty, currency, cost_currency, items, units, revenue, refunded, cost, max_position)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (day, kind, country, prefix, counterparty, currency, cost_currency) DO UPDATE SET
       items = finance_daily.items + excluded.items, units = finance_daily.units + excluded.units,
       revenue = ${add('finance_daily.revenue', 'excluded.revenue')}, refunded = ${add('finance_daily.refunded', 'excluded.refunded')},
       cost = ${add('finance_daily.cost', 'excluded.cost')},
       max_position = CASE WHEN excluded.max_position > finance_daily.max_position THEN excluded.max_position ELSE finance_daily.max_position END`,
        [...g.key, g.items, g.units, amount(g.revenue), amount(g.refunded), amount(g.cost), g.bound],
      );
    this.groups.clear();
  }
}

const KEY_COLUMNS = ['day', 'kind', 'country', 'prefix', 'counterparty', 'currency', 'cost_currency'] as const;
const SUMMED_COLUMNS = ['units', 'revenue', 'refunded', 'cost_rounded', 'position', 'cost_position', 'refund_position'] as const;
const keyText = (v: string | null) => v ?? '';
const summedText = (v: number | string | null) => (v === null ? null : String(v));

/** Whether a change to a traffic row moved anything its group sums (a replay moves nothing). */
export function trafficGroupChanged(before: SummedTraffic, after: SummedTraffic): boolean {
  for (const c of KEY_COLUMNS) if (keyText(before[c]) !== keyText(after[c])) return true;
  for (const c of SUMMED_COLUMNS) if (summedText(before[c]) !== summedText(after[c])) return true;
  return false;
}
