import type { EventStore } from '../../core/event-store';
import { Decimal } from '../../core/money';
import type { PaymentProcessor } from '../../core/payments/processor';
import { minorToDecimal } from '../wallet/service';

export type PaymentStatus = 'matched' | 'not-credited' | 'amount-differs' | 'recorded-as-mismatch' | 'not-at-processor';

export interface PaymentLine {
  readonly status: PaymentStatus;
  readonly paymentId: string;
  readonly account: string | null;
  readonly processorAmount: string | null;
  readonly recordedAmount: string | null;
  readonly currency: string;
}

interface Recorded {
  readonly account: string;
  readonly amount: string;
  readonly currency: string;
  readonly mismatch: boolean;
  readonly at: string;
}

/**
 * The processor's succeeded payments created in [from, to) against what the log credited for
 * them: a payment never credited, credited with another amount, recorded as a mismatch, or a
 * credit in the period the processor does not list as succeeded. Every difference is a line.
 */
export async function reconcilePayments(store: EventStore, processor: PaymentProcessor, period: { from: Date; to: Date }) {
  if (!processor.listSucceeded) throw new Error(`payment processor ${processor.name} cannot list its payments`);
  const recorded = new Map<string, Recorded>();
  for await (const e of store.readAll(0)) {
    if ((e.type !== 'CreditPurchased' && e.type !== 'TopUpMismatch') || e.data['processor'] !== processor.name) continue;
    const d = e.data as { paymentId: string; amount?: string; currency?: string; received?: { amount: string; currency: string } };
    const amount = e.type === 'CreditPurchased' ? { amount: d.amount!, currency: d.currency! } : d.received!;
    recorded.set(d.paymentId, {
      account: e.stream.slice('account-'.length),
      ...amount,
      mismatch: e.type === 'TopUpMismatch',
      at: e.recordedAt,
    });
  }
  const lines: PaymentLine[] = [];
  const seen = new Set<string>();
  for await (const p of processor.listSucceeded(period)) {
    seen.add(p.paymentId);
    const theirs = minorToDecimal(p.amountMinor, p.currency);
    const ours = recorded.get(p.paymentId);
    const status: PaymentStatus = !ours
      ? 'not-credited'
      : ours.mismatch
        ? 'recorded-as-mismatch'
        : ours.currency === p.currency && new Decimal(ours.amount).equals(theirs)
          ? 'matched'
          : 'amount-differs';
    lines.push({
      status,
      paymentId: p.paymentId,
      account: ours?.account ?? p.accountNumber,
      processorAmount: theirs,
      recordedAmount: ours ? ours.amount : null,
      currency: p.currency,
    });
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
    });
  }
  const counts = Object.fromEntries(
    (['matched', 'not-credited', 'amount-differs', 'recorded-as-mismatch', 'not-at-processor'] as const).map((s) => [
      s,
      lines.filter((l) => l.status === s).length,
    ]),
  );
  return { processor: processor.name, from: period.from.toISOString(), to: period.to.toISOString(), lines, counts };
}
