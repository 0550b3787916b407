import { Decimal } from '../../core/money';
import type { AccountStreamEvent } from '../../core/wallet';

export interface RerateAccountLine {
  readonly number: string;
  readonly currency: string;
  readonly calls: number;
  readonly delta: string;
}

export interface RerateReport {
  readonly runId: string;
  readonly planId: string;
  readonly dryRun: boolean;
  readonly accounts: readonly RerateAccountLine[];
  readonly totals: readonly {
    readonly currency: string;
    readonly calls: number;
    readonly charged: string;
    readonly refunded: string;
    readonly delta: string;
  }[];
  /** Calls in the period the plan has no price for (left as they were). */
  readonly unrated: number;
  /** Calls charged in another currency than the plan's (left as they were). */
  readonly otherCurrency: number;
}

export type CallRerated = Extract<AccountStreamEvent, { type: 'CallRerated' }>;

/** A run's corrections per account, and their totals per currency. */
export function summarize(
  runId: string,
  planId: string,
  dryRun: boolean,
  decided: Map<string, CallRerated[]>,
  skipped: { unrated: number; otherCurrency: number },
): RerateReport {
  const accounts: RerateAccountLine[] = [];
  const totals = new Map<string, { calls: number; charged: Decimal; refunded: Decimal }>();
  for (const [number, events] of decided) {
    if (events.length === 0) continue;
    const currency = events[0]!.data.currency;
    const delta = events.reduce((sum, e) => sum.plus(e.data.delta), new Decimal(0));
    accounts.push({ number, currency, calls: events.length, delta: delta.toFixed() });
    const t = totals.get(currency) ?? { calls: 0, charged: new Decimal(0), refunded: new Decimal(0) };
    for (const e of events) {
      const d = new Decimal(e.data.delta);
      if (d.isPositive()) t.charged = t.charged.plus(d);
      else t.refunded = t.refunded.plus(d.negated());
    }
    t.calls += events.length;
    totals.set(currency, t);
  }
  return {
    runId,
    planId,
    dryRun,
    accounts,
    totals: [...totals].map(([currency, t]) => ({
      currency,
      calls: t.calls,
      charged: t.charged.toFixed(),
      refunded: t.refunded.toFixed(),
      delta: t.charged.minus(t.refunded).toFixed(),
    })),
    ...skipped,
  };
}
