import { parseE164 } from '../../core/e164';
import { repriceCall, rerateDuration } from '../../core/rerating/price';
import { NS_PER_SECOND } from '../../core/rating/duration';
import { UnratedDestinationError } from '../../core/rating/cost';
import type { ChargedCall } from '../../core/rerating/charged-calls';
import { runOnAccount } from './account-run';
import type { Progress, RerateDeps } from './deps';
import { summarize, type CallRerated, type RerateReport } from './report';

/** `YYYY-MM-DD` (midnight UTC) or an ISO instant, as epoch milliseconds. */
export function instantOf(text: string, what: string): number {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(ms))
    throw new RangeError(`${what} must be a day (YYYY-MM-DD) or an ISO instant, not ${JSON.stringify(text)}`);
  return ms;
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** An unknown plan fails here, before anything is read (a plan that cannot price the probe number is known). */
function knownPlan(deps: RerateDeps, planId: string): void {
  try {
    deps.rating.quote({ planId, number: '+442079460000', start: new Date(0), duration: 60 * NS_PER_SECOND });
  } catch (error) {
    if (!(error instanceof UnratedDestinationError)) throw error;
  }
}

/** The new price of each call that started in [fromMs, toMs), counting those left as they were. */
function pricesOf(
  deps: RerateDeps,
  calls: readonly ChargedCall[],
  period: { planId: string; fromMs: number; toMs: number },
  counted: { unrated: number; otherCurrency: number },
): Record<string, { amount: string; billedSeconds: number }> {
  const { fromMs, toMs } = period;
  const prices: Record<string, { amount: string; billedSeconds: number }> = {};
  for (const call of calls) {
    const start = Date.parse(call.answeredAt ?? call.endedAt);
    if (start < fromMs || start >= toMs) continue;
    try {
      const cost = deps.rating.quote({
        planId: period.planId,
        number: parseE164(call.destination),
        start: new Date(start),
        duration: rerateDuration(call.seconds),
      });
      if (cost.currency !== call.currency) {
        counted.otherCurrency++;
        continue;
      }
      prices[call.callId] = repriceCall(cost, deps.chargeDecimals);
    } catch (error) {
      if (!(error instanceof UnratedDestinationError)) throw error;
      counted.unrated++;
    }
  }
  return prices;
}

export function rerating(deps: RerateDeps) {
  return {
    /** Prices the calls that started in [from, to) on `planId` and records the differences (or, dry, only reports them). */
    async rerate(o: {
      from: string;
      to: string;
      planId: string;
      runId?: string;
      dryRun: boolean;
      onProgress?: Progress;
    }): Promise<RerateReport> {
      const fromMs = instantOf(o.from, '--from');
      const toMs = instantOf(o.to, '--to');
      if (toMs <= fromMs) throw new RangeError('--to must be after --from');
      knownPlan(deps, o.planId);
      const runId = o.runId ?? `${o.planId}:${new Date(fromMs).toISOString()}/${new Date(toMs).toISOString()}`;
      const at = deps.clock.now().toISOString();
      const skipped = { unrated: 0, otherCurrency: 0 };
      // accounts with calls that may have started in the period (the finance projection knows the day each ended)
      const numbers = await deps.candidates.withCallsEnded(dayOf(fromMs), dayOf(toMs + 86_400_000 * 2));
      const decided = new Map<string, CallRerated[]>();
      for (const [i, number] of numbers.entries()) {
        const counted = { unrated: 0, otherCurrency: 0 };
        const events = await runOnAccount(
          deps,
          number,
          (calls) => {
            counted.unrated = 0;
            counted.otherCurrency = 0;
            const prices = pricesOf(deps, calls, { planId: o.planId, fromMs, toMs }, counted);
            return { type: 'rerate', data: { runId, planId: o.planId, at, prices } };
          },
          o.dryRun,
        );
        skipped.unrated += counted.unrated;
        skipped.otherCurrency += counted.otherCurrency;
        decided.set(number, events);
        o.onProgress?.(i + 1, numbers.length);
      }
      return summarize(runId, o.planId, o.dryRun, decided, skipped);
    },
  };
}
