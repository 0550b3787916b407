import type { ReadModelStore } from '../../../application/ports/read-model-store';

/**
 * What must hold of any variant's rows, whatever the batches: calls were answered and
 * left without a CDR, each charged call carries its carrier's cost and the price it was charged.
 */
export async function expectCallOutcomes(rm: ReadModelStore): Promise<void> {
  const rows = await rm.query<{ outcome: string; n: number | string; costed: number | string; priced: number | string }>(
    `SELECT outcome, COUNT(*) AS n, SUM(CASE WHEN carrier_cost IS NULL THEN 0 ELSE 1 END) AS costed,
       SUM(CASE WHEN price IS NULL THEN 0 ELSE 1 END) AS priced FROM call_records GROUP BY outcome`,
  );
  const by = new Map(rows.map((r) => [r.outcome, { n: Number(r.n), costed: Number(r.costed), priced: Number(r.priced) }]));
  for (const outcome of ['answered', 'no-cdr']) expect({ [outcome]: (by.get(outcome)?.n ?? 0) > 0 }).toEqual({ [outcome]: true });
  const answered = by.get('answered')!;
  expect({ costed: answered.costed, priced: answered.priced }).toEqual({ costed: answered.n, priced: answered.n });
}
