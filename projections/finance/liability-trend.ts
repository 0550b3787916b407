import { Decimal } from '../../core/money';
import { decimalSql } from '../decimal-sql';
import type { ReadModelStore } from '../../application/ports/read-model-store';
import { financePosition } from './reports';

export interface LiabilityPoint {
  /** The end of this day (UTC): what was owed then. */
  readonly day: string;
  readonly currency: string;
  readonly paid: string;
  readonly promotional: string;
}

/**
 * Prepaid liability at the end of each day in [from, to) that moved money, as of a log position:
 * the running sum of every paid and promotional change up to that day (days before `from`
 * make the opening balance).
 */
export async function liabilityTrend(
  rm: ReadModelStore,
  q: { from: string; to: string; asOf?: number },
): Promise<{ asOf: number; from: string; to: string; rows: LiabilityPoint[] }> {
  const asOf = q.asOf ?? (await financePosition(rm));
  const { sum } = decimalSql(rm.dialect);
  const days = await rm.query<{ day: string; currency: string; paid: string; promo: string }>(
    `SELECT CASE WHEN day < ? THEN '' ELSE day END AS day, currency, ${sum('paid')} AS paid, ${sum('promo')} AS promo
     FROM finance_money WHERE day < ? AND position <= ? GROUP BY 1, currency ORDER BY 1, currency`,
    [q.from, q.to, asOf],
  );
  const running = new Map<string, { paid: Decimal; promo: Decimal }>();
  const rows: LiabilityPoint[] = [];
  for (const d of days) {
    const r = running.get(d.currency) ?? { paid: new Decimal(0), promo: new Decimal(0) };
    r.paid = r.paid.plus(d.paid);
    r.promo = r.promo.plus(d.promo);
    running.set(d.currency, r);
    if (d.day !== '') rows.push({ day: d.day, currency: d.currency, paid: r.paid.toFixed(), promotional: r.promo.toFixed() });
  }
  return { asOf, from: q.from, to: q.to, rows };
}
