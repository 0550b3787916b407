import type { EventStore } from '../../core/event-store';
import { Decimal } from '../../core/money';
import type { BalanceEntry, PaymentProcessor, SettledPayment } from '../../core/payments/processor';
import { minorToDecimal } from '../wallet/service';

export type PaymentStatus =
  'matched' | 'not-credited' | 'amount-differs' | 'recorded-as-mismatch' | 'not-at-processor' | 'not-in-balance' | 'balance-differs';

export interface PaymentLine {
  readonly status: PaymentStatus;
  readonly paymentId: string;
  readonly account: string | null;
  readonly processorAmount: string | null;
  readonly recordedAmount: string | null;
  readonly currency: string;
  /** What the payment put in the balance: gross, the processor's fee, net (null: no balance transaction, or not listed). */
  readonly balance: { readonly gross: string; readonly fee: string; readonly net: string } | null;
}

interface Recorded {
  readonly account: string;
  readonly amount: string;
  readonly currency: string;
  readonly mismatch: boolean;
  readonly at: string;
}

/** What the log credited (or recorded as a mismatch) for each of the processor's payments, by payment id. */
async function recordedCredits(store: EventStore, processorName: string): Promise<Map<string, Recorded>> {
  const recorded = new Map<string, Recorded>();
  for await (const e of store.readAll(0)) {
    if ((e.type !== 'CreditPurchased' && e.type !== 'TopUpMismatch') || e.data['processor'] !== processorName) continue;
    const d = e.data as { paymentId: string; amount?: string; currency?: string; received?: { amount: string; currency: string } };
    const amount = e.type === 'CreditPurchased' ? { amount: d.amount!, currency: d.currency! } : d.received!;
    recorded.set(d.paymentId, {
      account: e.stream.slice('account-'.length),
      ...amount,
      mismatch: e.type === 'TopUpMismatch',
      at: e.recordedAt,
    });
  }
  return recorded;
}

/** The processor's balance transactions of the period, by payment id. */
async function balanceEntries(processor: PaymentProcessor, period: { from: Date; to: Date }): Promise<Map<string, BalanceEntry>> {
  // balance transactions may trail their payment: two days past the period are read
  const balance = new Map<string, BalanceEntry>();
  if (processor.listBalance)
    for await (const b of processor.listBalance({ from: period.from, to: new Date(period.to.getTime() + 2 * 86_400_000) }))
      balance.set(b.paymentId, b);
  return balance;
}

/** One payment the processor lists as succeeded, against the log's credit and the balance. */
function paymentLine(p: SettledPayment, ours: Recorded | undefined, b: BalanceEntry | undefined, listsBalance: boolean): PaymentLine {
  const theirs = minorToDecimal(p.amountMinor, p.currency);
  const credited: PaymentStatus = !ours
    ? 'not-credited'
    : ours.mismatch
      ? 'recorded-as-mismatch'
      : ours.currency === p.currency && new Decimal(ours.amount).equals(theirs)
        ? 'matched'
        : 'amount-differs';
  // credited right, then the money must have reached the balance, gross as paid
  const status: PaymentStatus =
    credited !== 'matched' || !listsBalance
      ? credited
      : !b
        ? 'not-in-balance'
        : b.currency !== p.currency || b.amountMinor !== p.amountMinor
          ? 'balance-differs'
          : 'matched';
  return {
    status,
    paymentId: p.paymentId,
    account: ours?.account ?? p.accountNumber,
    processorAmount: theirs,
    recordedAmount: ours ? ours.amount : null,
    currency: p.currency,
    balance: b
      ? {
          gross: minorToDecimal(b.amountMinor, b.currency),
          fee: minorToDecimal(b.feeMinor, b.currency),
          net: minorToDecimal(b.netMinor, b.currency),
        }
      : null,
  };
}

/** How many lines have each status, and per currency what the processor collected, its fees and what the provider keeps. */
function summarize(lines: readonly PaymentLine[]) {
  const counts = Object.fromEntries(
    (
      [
        'matched',
        'not-credited',
        'amount-differs',
        'recorded-as-mismatch',
        'not-at-processor',
        'not-in-balance',
        'balance-differs',
      ] as const
    ).map((s) => [s, lines.filter((l) => l.status === s).length]),
  );
  const totals = new Map<string, { gross: Decimal; fee: Decimal; net: Decimal }>();
  for (const l of lines) {
    if (!l.balance) continue;
    const t = totals.get(l.currency) ?? { gross: new Decimal(0), fee: new Decimal(0), net: new Decimal(0) };
    totals.set(l.currency, { gross: t.gross.plus(l.balance.gross), fee: t.fee.plus(l.balance.fee), net: t.net.plus(l.balance.net) });
  }
  return {
    counts,
    balance: [...totals].map(([currency, t]) => ({ currency, gross: t.gross.toFixed(), fees: t.fee.toFixed(), net: t.net.toFixed() })),
  };
}

/**
 * The processor's succeeded payments created in [from, to) against what the log credited for
 * them: a payment never credited, credited with another amount, recorded as a mismatch, or a
 * credit in the period the processor does not list as succeeded. Every difference is a line.
 */
export async function reconcilePayments(store: EventStore, processor: PaymentProcessor, period: { from: Date; to: Date }) {
  if (!processor.listSucceeded) throw new Error(`payment processor ${processor.name} cannot list its payments`);
  const recorded = await recordedCredits(store, processor.name);
  const balance = await balanceEntries(processor, period);
  const lines: PaymentLine[] = [];
  const seen = new Set<string>();
  for await (const p of processor.listSucceeded(period)) {
    seen.add(p.paymentId);
    lines.push(paymentLine(p, recorded.get(p.paymentId), balance.get(p.paymentId), Boolean(processor.listBalance)));
  }
  for (const [paymentId, ours] of recorded) {
    const t = Date.parse(ours.at);
    if (seen.has(paymentId) || t < period.from.getTime() || t >= period.to.getTime() || ours.mismatch) continue;
    lines.push({
      status: 'not-at-processor',
      paymentId,
      account: ours.account,
      processorAmount: null,
      recordedAmount: ours.amount,
      currency: ours.currency,
      balance: null,
    });
  }
  const { counts, balance: totals } = summarize(lines);
  return {
    processor: processor.name,
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    lines,
    counts,
    balance: totals,
  };
}
