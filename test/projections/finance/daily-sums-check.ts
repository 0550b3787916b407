import type { ReadModelStore } from '../../../application/ports/read-model-store';
import { Decimal } from '../../../core/money';
import type { SummedTraffic } from '../../../projections/finance/daily-aggregates';

type Traffic = SummedTraffic;
type Daily = Record<'day' | 'kind' | 'country' | 'prefix' | 'counterparty' | 'currency' | 'cost_currency', string> &
  Record<'items' | 'units' | 'revenue' | 'refunded' | 'cost' | 'max_position', number | string>;

const keyOf = (r: Omit<Traffic, 'units'>) =>
  [r.day, r.kind, r.country, r.prefix ?? '', r.counterparty ?? '', r.currency, r.cost_currency ?? ''].join('|');
const value = (v: number | string | null) => new Decimal(v ?? 0).toFixed();

/**
 * `finance_daily` holds, per group with rows, exactly the sums of its `finance_traffic` rows and a
 * bound at or past their positions, whatever the batches were.
 */
export async function expectDailySumsOfTraffic(rm: ReadModelStore): Promise<void> {
  const expected = new Map<string, Record<string, Decimal>>();
  for (const r of await rm.query<Traffic>('SELECT * FROM finance_traffic')) {
    const g = expected.get(keyOf(r)) ?? {
      items: new Decimal(0),
      units: new Decimal(0),
      revenue: new Decimal(0),
      refunded: new Decimal(0),
      cost: new Decimal(0),
      max_position: new Decimal(0),
    };
    g.items = g.items!.plus(1);
    g.units = g.units!.plus(r.units);
    g.revenue = g.revenue!.plus(r.revenue);
    g.refunded = g.refunded!.plus(r.refunded ?? 0);
    g.cost = g.cost!.plus(r.cost_rounded ?? 0);
    g.max_position = Decimal.max(g.max_position!, r.position, r.cost_position ?? 0, r.refund_position ?? 0);
    expected.set(keyOf(r), g);
  }
  const key = (d: Daily) =>
    keyOf({ ...d, refunded: null, cost_rounded: null, position: 0, cost_position: null, refund_position: null, revenue: '' });
  const bounds = new Map([...expected].map(([k, g]) => [k, g.max_position!.toNumber()]));
  const actual = new Map<string, Record<string, string>>();
  for (const d of await rm.query<Daily>('SELECT * FROM finance_daily'))
    if (Number(d.items) !== 0)
      actual.set(key(d), {
        items: value(d.items),
        units: value(d.units),
        revenue: value(d.revenue),
        refunded: value(d.refunded),
        cost: value(d.cost),
        // a bound: a row that moved to another group (a second carrier's cost) leaves it raised
        max_position: Number(d.max_position) >= Number(bounds.get(key(d)) ?? Infinity) ? 'bounds' : value(d.max_position),
      });
  const sums = new Map(
    [...expected].map(([k, g]) => [
      k,
      Object.fromEntries(Object.entries(g).map(([c, v]) => [c, c === 'max_position' ? 'bounds' : v.toFixed()])),
    ]),
  );
  expect(expected.size).toBeGreaterThan(0);
  expect(actual).toEqual(sums);
}
