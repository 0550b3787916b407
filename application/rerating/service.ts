import type { Clock } from '../../core/clock';
import { handleCommand, readState } from '../../core/command-handler';
import { accountStream } from '../../core/accounts/account';
import type { EventStore } from '../../core/event-store';
import type { IdGenerator } from '../../core/ids';
import { parseE164 } from '../../core/e164';
import { Decimal } from '../../core/money';
import { repriceCall, rerateDuration } from '../../core/rerating/price';
import { NS_PER_SECOND } from '../../core/rating/duration';
import { UnratedDestinationError } from '../../core/rating/cost';
import { rerateDecider, type RerateCommand } from '../../core/rerating/decide';
import type { ChargedCall } from '../../core/rerating/charged-calls';
import { accountStreamCodec, type AccountStreamEvent } from '../../core/wallet';
import type { RatingService } from '../rating/service';

export interface RerateDeps {
  readonly store: EventStore;
  readonly ids: IdGenerator;
  readonly rating: RatingService;
  /** Which accounts a run must look at (the finance projection knows the day each call ended). */
  readonly candidates: RerateCandidates;
  readonly clock: Clock;
  /** Places a charge is rounded up to, as when the call was charged (config chargeDecimals). */
  readonly chargeDecimals: number;
}

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

type CallRerated = Extract<AccountStreamEvent, { type: 'CallRerated' }>;
export type Progress = (done: number, total: number) => void;

/** `YYYY-MM-DD` (midnight UTC) or an ISO instant, as epoch milliseconds. */
export function instantOf(text: string, what: string): number {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(ms))
    throw new RangeError(`${what} must be a day (YYYY-MM-DD) or an ISO instant, not ${JSON.stringify(text)}`);
  return ms;
}

/** Accounts that may hold calls of a period, and accounts a rerating run corrected. */
export interface RerateCandidates {
  /** Numbers with calls that ended from `fromDay` to `toDay` (YYYY-MM-DD, inclusive), in order. */
  withCallsEnded(fromDay: string, toDay: string): Promise<string[]>;
  /** Numbers with corrections recorded by the run `runId`, in order. */
  correctedBy(runId: string): Promise<string[]>;
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Rerating: past calls priced again on a corrected plan, recorded as `CallRerated` (the delta
 * against the charge now), never by changing what was recorded. Per account: read its stream,
 * price the calls that started in [from, to), decide, append at the version read (anything
 * appended meanwhile makes it decide again on the new state; a call charged meanwhile has no
 * price in the command and is left for the next run). A dry run decides the same
 * events and appends nothing. Applying a run again finds no difference, so records nothing.
 */
export function rerateService(deps: RerateDeps) {
  const handler = { store: deps.store, ids: deps.ids, codec: accountStreamCodec };

  /** Accounts with calls that may have started in the period (the finance projection knows the day each ended). */
  async function candidates(fromMs: number, toMs: number): Promise<string[]> {
    return deps.candidates.withCallsEnded(dayOf(fromMs), dayOf(toMs + 86_400_000 * 2));
  }

  function summarize(
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

  async function execute(number: string, build: (calls: readonly ChargedCall[]) => RerateCommand, dryRun: boolean): Promise<CallRerated[]> {
    const stream = accountStream(number);
    if (dryRun) {
      const { state } = await readState(handler, rerateDecider, stream);
      return rerateDecider.decide(build(Object.values(state.calls)), state) as CallRerated[];
    }
    // the prices are for the calls read here; a retry decides them again on the newer state
    const { state } = await readState(handler, rerateDecider, stream);
    const r = await handleCommand(handler, rerateDecider, stream, build(Object.values(state.calls)), { metadata: { actor: 'rerate' } });
    return r.events as CallRerated[];
  }

  /** An unknown plan fails here, before anything is read (a plan that cannot price the probe number is known). */
  function knownPlan(planId: string): void {
    try {
      deps.rating.quote({ planId, number: '+442079460000', start: new Date(0), duration: 60 * NS_PER_SECOND });
    } catch (error) {
      if (!(error instanceof UnratedDestinationError)) throw error;
    }
  }

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
      knownPlan(o.planId);
      const runId = o.runId ?? `${o.planId}:${new Date(fromMs).toISOString()}/${new Date(toMs).toISOString()}`;
      const at = deps.clock.now().toISOString();
      const skipped = { unrated: 0, otherCurrency: 0 };
      const numbers = await candidates(fromMs, toMs);
      const decided = new Map<string, CallRerated[]>();
      for (const [i, number] of numbers.entries()) {
        const counted = { unrated: 0, otherCurrency: 0 };
        const events = await execute(
          number,
          (calls) => {
            counted.unrated = 0;
            counted.otherCurrency = 0;
            const prices: Record<string, { amount: string; billedSeconds: number }> = {};
            for (const call of calls) {
              const start = Date.parse(call.answeredAt ?? call.endedAt);
              if (start < fromMs || start >= toMs) continue;
              try {
                const cost = deps.rating.quote({
                  planId: o.planId,
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

    /** Puts back what each call was charged before `runId`, where that run is still its last correction. */
    async reverse(o: { runId: string; dryRun: boolean; onProgress?: Progress }): Promise<RerateReport> {
      const at = deps.clock.now().toISOString();
      const numbers = await deps.candidates.correctedBy(o.runId);
      const decided = new Map<string, CallRerated[]>();
      for (const [i, number] of numbers.entries()) {
        decided.set(number, await execute(number, () => ({ type: 'reverse', data: { runId: o.runId, at } }), o.dryRun));
        o.onProgress?.(i + 1, numbers.length);
      }
      return summarize(`reverse:${o.runId}`, 'reverse', o.dryRun, decided, { unrated: 0, otherCurrency: 0 });
    },
  };
}

export type RerateService = ReturnType<typeof rerateService>;
