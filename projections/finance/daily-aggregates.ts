import type { RecordedEvent } from '../../core/events/envelope';
import { countryOf } from '../../core/e164';
import { negateDecimal } from '../../core/decimal-text';
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

interface TrafficRow {
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

const ROW = `SELECT day, kind, country, prefix, counterparty, currency, cost_currency, units, revenue, refunded, cost_rounded,
  position, cost_position, refund_position FROM finance_traffic WHERE ref = ?`;

const keyOf = (r: TrafficRow) => [r.day, r.kind, r.country, r.prefix ?? '', r.counterparty ?? '', r.currency, r.cost_currency ?? ''];

async function contribute(tx: SqlTx, r: TrafficRow, sign: 1 | -1): Promise<void> {
  const n = (v: number | string | null) => sign * Number(v ?? 0);
  const amount = (v: string | null) => (sign === 1 ? (v ?? '0') : negateDecimal(v ?? '0'));
  const { add } = decimalSql(tx.dialect);
  const bound = Math.max(Number(r.position), Number(r.cost_position ?? 0), Number(r.refund_position ?? 0));
  await tx.run(
    `INSERT INTO finance_daily (day, kind, country, prefix, counterparty, currency, cost_currency, items, units, revenue, refunded, cost, max_position)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (day, kind, country, prefix, counterparty, currency, cost_currency) DO UPDATE SET
       items = finance_daily.items + excluded.items, units = finance_daily.units + excluded.units,
       revenue = ${add('finance_daily.revenue', 'excluded.revenue')}, refunded = ${add('finance_daily.refunded', 'excluded.refunded')},
       cost = ${add('finance_daily.cost', 'excluded.cost')},
       max_position = CASE WHEN excluded.max_position > finance_daily.max_position THEN excluded.max_position ELSE finance_daily.max_position END`,
    [...keyOf(r), sign, n(r.units), amount(r.revenue), amount(r.refunded), amount(r.cost_rounded), bound],
  );
}

/** Runs `change` on the traffic row `ref`, moving its contribution from the group it was in to the one it is in now. */
export async function changeTraffic(tx: SqlTx, ref: string, change: () => Promise<void>): Promise<void> {
  const before = await tx.get<TrafficRow>(ROW, [ref]);
  await change();
  const after = await tx.get<TrafficRow>(ROW, [ref]);
  if (before && after && JSON.stringify(before) === JSON.stringify(after)) return; // a replay changed nothing
  if (before) await contribute(tx, before, -1);
  if (after) await contribute(tx, after, 1);
}

/** A call's row of traffic, once (a rerate is a row of its own). */
export async function traffic(
  tx: SqlTx,
  r: RecordedEvent,
  number: string,
  t: {
    ref: string;
    kind: 'call';
    externalId: string;
    startedAt: string | null;
    day: string;
    destination: string;
    currency: string;
    revenue: string;
    units: number;
  },
): Promise<void> {
  await changeTraffic(tx, t.ref, () =>
    tx.run(
      `INSERT INTO finance_traffic (ref, kind, external_id, started_at, position, recorded_at, day, number, destination, country, currency,
       revenue, units)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ref) DO NOTHING`,
      [
        t.ref,
        t.kind,
        t.externalId,
        t.startedAt,
        r.position,
        r.recordedAt,
        t.day,
        number,
        t.destination,
        countryOf(t.destination),
        t.currency,
        t.revenue,
        t.units,
      ],
    ),
  );
}
