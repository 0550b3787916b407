import { rateCall, UnratedDestinationError, type CallCost } from '../../core/rating/cost';
import { priceOnDeck, type CompiledDeck } from '../../core/rating/deck';
import type { Nanos } from '../../core/rating/duration';
import type { PricingPolicy } from '../../core/rating/pricing-policy';
import type { RatingSnapshot } from '../ports/rates-source';
import type { RatingServiceDeps } from './deps';
import { UnknownPlanError } from './errors';
import { buildRetailSheet, RETAIL_PLAN_ID, type RetailSheet } from './retail-sheet';

export type RetailSnapshot = RatingSnapshot & { retail: RetailSheet; smsRetail: RetailSheet };

/** The rates as they are now, with the retail sheets built from them, and a call rated on them. */
export function currentRates(deps: RatingServiceDeps) {
  let retail: { snapshot: RatingSnapshot; combined: RetailSnapshot } | null = null;
  /** The carriers of a snapshot as one list, kept with it so LCR's index is built once per snapshot. */
  const carrierLists = new WeakMap<RatingSnapshot, CompiledDeck[]>();
  const carriersOf = (s: RatingSnapshot): CompiledDeck[] => {
    let list = carrierLists.get(s);
    // voice routing never picks an SMS gateway
    if (!list) carrierLists.set(s, (list = [...s.carriers.values()].filter((d) => d.carrier.service === 'voice')));
    return list;
  };

  /**
   * The snapshot plus its retail sheet, rebuilt only when the decks change or a row's effective
   * date passes (a 250,000-prefix sheet takes seconds: the server pre-builds it after each refresh).
   */
  function current(): RetailSnapshot {
    const snapshot = deps.rates.current();
    const now = deps.clock.now();
    const validUntil = retail ? Math.min(retail.combined.retail.validUntilMs, retail.combined.smsRetail.validUntilMs) : 0;
    if (!retail || retail.snapshot !== snapshot || now.getTime() >= validUntil) {
      const pricing = pricingFor(deps, snapshot);
      const sheet = buildRetailSheet(snapshot.carriers.values(), pricing, deps.retailCurrency, now, 'voice');
      const sms = buildRetailSheet(snapshot.carriers.values(), pricing, deps.retailCurrency, now, 'sms');
      // one object per snapshot and sheet, not one per call: every authorization and text asks for it
      retail = { snapshot, combined: { ...snapshot, retail: sheet, smsRetail: sms } };
    }
    return retail.combined;
  }

  function planOf(planId: string) {
    const s = current();
    const plan = s.plans.get(planId);
    if (!plan)
      throw new UnknownPlanError(`no rating plan ${JSON.stringify(planId)} (known: ${[RETAIL_PLAN_ID, ...s.plans.keys()].join(', ')})`);
    return plan;
  }

  /** A call on a plan, or on the retail sheet (`retail`), which is priced like a deck. */
  function rate(planId: string, digits: string, start: Date, duration: Nanos): CallCost {
    if (planId !== RETAIL_PLAN_ID) return rateCall(planOf(planId), digits, start, duration);
    const priced = priceOnDeck(current().retail.deck, digits, start, duration);
    if (!priced) throw new UnratedDestinationError(RETAIL_PLAN_ID, digits);
    return priced.detail;
  }

  return { current, carriersOf, rate };
}

export type CurrentRates = ReturnType<typeof currentRates>;

/** The pricing policy with the options an operator recorded in the log laid over the configured ones. */
function pricingFor(deps: RatingServiceDeps, snapshot: RatingSnapshot): PricingPolicy {
  const live = snapshot.settings.pricing;
  if (!live || !deps.pricing.withOptions) return deps.pricing;
  try {
    return deps.pricing.withOptions(live);
  } catch (err) {
    // validated before it was recorded; a plugin changed since: keep selling at the configured prices
    deps.logger.error({ err }, 'recorded pricing options no longer valid: using the configured ones');
    return deps.pricing;
  }
}
