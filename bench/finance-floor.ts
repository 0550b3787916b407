import { join } from 'node:path';
import Database from 'better-sqlite3';

/** What a margin report groups by, as its bare query's key over the daily sums and over the rows. */
const DAILY_KEY = { day: 'day', destination: "country || ' +' || prefix", carrier: 'counterparty' } as const;
const ROW_KEY = { day: 'day', destination: "country || ' +' || COALESCE(prefix, '')", carrier: "COALESCE(counterparty, '')" } as const;
export type By = keyof typeof DAILY_KEY;

/**
 * The floor of each finance report: one bare `SELECT … GROUP BY` with better-sqlite3 over the
 * same read-model rows the report reads (the daily sums of the days closed as of the position
 * asked, the traffic rows up to it of the other days, the money rows), summed by SQLite's own floating-point SUM: no exact decimals,
 * no merging of the two sources, nothing checked. What the database alone takes to answer.
 */
export function financeFloor(dataDir: string) {
  const db = new Database(join(dataDir, 'read-models.sqlite'), { readonly: true });
  const bys = Object.keys(DAILY_KEY) as By[];
  // prepared once: the floor does not compile its statements per report
  const prepared = (sql: (by: By) => string) =>
    Object.fromEntries(bys.map((by) => [by, db.prepare(sql(by))])) as Record<By, Database.Statement>;
  const daily = prepared(
    (by) => `SELECT ${DAILY_KEY[by]} AS key, currency, SUM(items) AS calls, SUM(units) AS seconds,
      SUM(revenue) - SUM(refunded) AS revenue, SUM(cost) AS cost
      FROM finance_daily WHERE day >= ? AND day < ? AND items <> 0 GROUP BY 1, currency`,
  );
  // the days the daily sums can answer as of a position, as the report decides it; the others' rows are scanned
  const days = db.prepare('SELECT day, MAX(max_position) AS p FROM finance_daily WHERE day >= ? AND day < ? GROUP BY day');
  const dailyOn = prepared(
    (by) => `SELECT ${DAILY_KEY[by]} AS key, currency, SUM(items) AS calls, SUM(units) AS seconds,
      SUM(revenue) - SUM(refunded) AS revenue, SUM(cost) AS cost
      FROM finance_daily WHERE day IN (SELECT value FROM json_each(?)) AND items <> 0 GROUP BY 1, currency`,
  );
  const scanned = prepared(
    (by) => `SELECT ${ROW_KEY[by]} AS key, currency, COUNT(*) AS calls, SUM(units) AS seconds, SUM(revenue) AS revenue,
      SUM(CASE WHEN cost_position <= ? THEN cost_rounded END) AS cost
      FROM finance_traffic WHERE day IN (SELECT value FROM json_each(?)) AND position <= ? GROUP BY 1, currency`,
  );
  const money = db.prepare(
    'SELECT currency, SUM(paid) AS paid, SUM(promo) AS promo FROM finance_money WHERE position <= ? GROUP BY currency',
  );
  return {
    /** Rows of the month grouped by `by` from the daily sums; the calls they count. */
    margin(by: By, from: string, to: string): number {
      return (daily[by].all(from, to) as { calls: number }[]).reduce((n, r) => n + r.calls, 0);
    },
    /** As of `asOf`: the daily sums of the days closed by then, the traffic rows up to it of the others; the calls counted. */
    marginAsOf(by: By, from: string, to: string, asOf: number): number {
      const all = days.all(from, to) as { day: string; p: number }[];
      const fresh = JSON.stringify(all.filter((d) => d.p <= asOf).map((d) => d.day));
      const stale = JSON.stringify(all.filter((d) => d.p > asOf).map((d) => d.day));
      const rows = [...dailyOn[by].all(fresh), ...scanned[by].all(asOf, stale, asOf)] as { calls: number }[];
      return rows.reduce((n, r) => n + r.calls, 0);
    },
    /** Paid balances summed by currency; the currencies. */
    liability(asOf: number): number {
      return money.all(asOf).length;
    },
    close: () => db.close(),
  };
}
