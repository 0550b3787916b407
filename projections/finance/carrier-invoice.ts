import { Decimal, parseDecimal } from '../../core/money';
import type { ReadModelStore } from '../../application/ports/read-model-store';

/** One line of a carrier's invoice or CDR export, after the column mapping. */
export interface InvoiceLine {
  readonly line: number;
  readonly callId: string | null;
  readonly start: string;
  readonly number: string;
  readonly seconds: number;
  readonly cost: string;
}

export type MatchStatus = 'matched' | 'over-billed' | 'under-billed' | 'not-invoiced' | 'not-ours';

export interface ReconciledLine {
  readonly status: MatchStatus;
  readonly callId: string | null;
  readonly start: string | null;
  readonly number: string;
  readonly invoiced: string | null;
  readonly recorded: string | null;
  /** invoiced − recorded: positive when the carrier bills more than we recorded. */
  readonly difference: string;
  readonly invoiceLine: number | null;
}

interface Recorded {
  external_id: string;
  started_at: string | null;
  destination: string;
  cost: string;
  cost_currency: string;
}

const digits = (n: string) => n.replace(/\D/g, '');

/** An invoice line against the recorded call it was matched with. */
function compare(l: InvoiceLine, r: Recorded, tolerance: Decimal): ReconciledLine {
  const difference = parseDecimal(l.cost).minus(r.cost);
  const status: MatchStatus = difference.abs().lessThanOrEqualTo(tolerance)
    ? 'matched'
    : difference.isPositive()
      ? 'over-billed'
      : 'under-billed';
  return {
    status,
    callId: r.external_id,
    start: l.start,
    number: l.number,
    invoiced: parseDecimal(l.cost).toFixed(),
    recorded: new Decimal(r.cost).toFixed(),
    difference: difference.toFixed(),
    invoiceLine: l.line,
  };
}

/** Each invoice line matched with a recorded call (taken out of `unmatched`), or not ours. */
function matchLines(
  lines: readonly InvoiceLine[],
  recorded: readonly Recorded[],
  unmatched: Set<Recorded>,
  window: number,
  tolerance: Decimal,
) {
  const byId = new Map(recorded.map((r) => [r.external_id, r]));
  const out: ReconciledLine[] = [];
  for (const l of lines) {
    let r = l.callId ? byId.get(l.callId) : undefined;
    if (r && !unmatched.has(r)) r = undefined; // one invoice line per call
    r ??= [...unmatched].find(
      (c) =>
        digits(c.destination) === digits(l.number) &&
        c.started_at !== null &&
        Math.abs(Date.parse(c.started_at) - Date.parse(l.start)) <= window,
    );
    if (r) unmatched.delete(r);
    out.push(
      r
        ? compare(l, r, tolerance)
        : {
            status: 'not-ours',
            callId: l.callId,
            start: l.start,
            number: l.number,
            invoiced: parseDecimal(l.cost).toFixed(),
            recorded: null,
            difference: parseDecimal(l.cost).toFixed(),
            invoiceLine: l.line,
          },
    );
  }
  return out;
}

/** Recorded calls inside the invoice's own period that it does not bill. */
function notInvoiced(unmatched: ReadonlySet<Recorded>, first: number, last: number, window: number): ReconciledLine[] {
  const out: ReconciledLine[] = [];
  for (const r of unmatched) {
    const t = r.started_at ? Date.parse(r.started_at) : NaN;
    if (Number.isNaN(t) || t < first - window || t > last + window) continue;
    out.push({
      status: 'not-invoiced',
      callId: r.external_id,
      start: r.started_at,
      number: r.destination,
      invoiced: null,
      recorded: new Decimal(r.cost).toFixed(),
      difference: new Decimal(r.cost).negated().toFixed(),
      invoiceLine: null,
    });
  }
  return out;
}

function totalsOf(out: readonly ReconciledLine[]) {
  const sum = (status: MatchStatus | null, pick: (l: ReconciledLine) => string | null) =>
    out
      .filter((l) => status === null || l.status === status)
      .reduce((s, l) => s.plus(pick(l) ?? '0'), new Decimal(0))
      .toFixed();
  return {
    invoiced: sum(null, (l) => l.invoiced),
    recorded: sum(null, (l) => l.recorded),
    overBilled: sum('over-billed', (l) => l.difference),
    underBilled: sum('under-billed', (l) => l.difference),
    notOurs: sum('not-ours', (l) => l.invoiced),
    notInvoiced: sum('not-invoiced', (l) => l.recorded),
    counts: Object.fromEntries(
      (['matched', 'over-billed', 'under-billed', 'not-invoiced', 'not-ours'] as const).map((s) => [
        s,
        out.filter((l) => l.status === s).length,
      ]),
    ),
  };
}

/**
 * Matches a carrier's invoice against the costs recorded for its calls: by call id when the
 * invoice has one, else by number and start within `windowSeconds`. Differences beyond
 * `tolerance` are over- or under-billing; recorded calls the invoice lacks and invoice lines no
 * recorded call explains are listed too, with totals.
 */
export async function reconcileCarrierInvoice(
  rm: ReadModelStore,
  q: { carrierId: string; lines: readonly InvoiceLine[]; tolerance: string; windowSeconds?: number },
) {
  const window = (q.windowSeconds ?? 5) * 1000;
  const tolerance = parseDecimal(q.tolerance);
  const starts = q.lines.map((l) => Date.parse(l.start)).filter((t) => !Number.isNaN(t));
  const from = new Date(Math.min(...starts) - 86_400_000).toISOString().slice(0, 10);
  const to = new Date(Math.max(...starts) + 2 * 86_400_000).toISOString().slice(0, 10);
  const recorded = await rm.query<Recorded>(
    `SELECT external_id, started_at, destination, cost, cost_currency FROM finance_traffic
     WHERE kind = 'call' AND counterparty = ? AND day >= ? AND day < ? AND cost IS NOT NULL`,
    [q.carrierId, from, to],
  );
  const unmatched = new Set(recorded);
  const matched = matchLines(q.lines, recorded, unmatched, window, tolerance);
  const out = [...matched, ...notInvoiced(unmatched, Math.min(...starts), Math.max(...starts), window)];
  return { carrierId: q.carrierId, lines: out, totals: totalsOf(out) };
}
