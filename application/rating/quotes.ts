import { digitsOf, parseE164 } from '../../core/e164';
import type { CallCost } from '../../core/rating/cost';
import type { Nanos } from '../../core/rating/duration';
import { leastCostRoutes, type LcrResult, type Route } from '../../core/rating/lcr';
import { demoteRoutes } from '../../core/rating/carrier-quality';
import { rateOnProfile } from '../../core/rating/profile';
import type { CurrentRates } from './current-rates';
import type { RatingServiceDeps } from './deps';
import { RETAIL_PLAN_ID } from './retail-sheet';

/** What a call costs, at retail and at the carriers that can take it. */
export function quotes(deps: RatingServiceDeps, rates: CurrentRates) {
  const { current, carriersOf, rate } = rates;
  const policies = deps.routePolicies ?? [];
  const demoted = (r: Route) => policies.some((p) => p.demotes(r));
  return {
    /** A call on a plan (`planId`, `retail` for the public sheet) or on a CGRateS rating profile (`profileId`). */
    quote(input: { planId?: string; profileId?: string; number: string; start: Date; duration: Nanos }): CallCost & { number: string } {
      const number = parseE164(input.number);
      if (input.profileId !== undefined) {
        const s = current();
        return { ...rateOnProfile(s.profiles, s.plans, input.profileId, digitsOf(number), input.start, input.duration), number };
      }
      return { ...rate(input.planId ?? RETAIL_PLAN_ID, digitsOf(number), input.start, input.duration), number };
    },

    lcr(input: {
      number: string;
      start: Date;
      duration: Nanos;
      retailPlanId?: string;
      allowNegativeMargin?: boolean;
    }): LcrResult & { number: string; retail: CallCost | null; demoted: readonly string[] } {
      const number = parseE164(input.number);
      const digits = digitsOf(number);
      let retailCost: CallCost | null = null;
      try {
        retailCost = rate(input.retailPlanId ?? RETAIL_PLAN_ID, digits, input.start, input.duration);
      } catch {
        retailCost = null; // no retail price for it: no margin guard
      }
      const result = leastCostRoutes(carriersOf(deps.rates.current()), digits, input.start, input.duration, {
        ...(retailCost ? { retail: { cost: retailCost.cost, currency: retailCost.currency } } : {}),
        allowNegativeMargin: input.allowNegativeMargin ?? false,
      });
      if (policies.length === 0) return { ...result, number, retail: retailCost, demoted: [] };
      const ordered = demoteRoutes(result.routes, demoted);
      return { routes: ordered.routes, dropped: result.dropped, number, retail: retailCost, demoted: ordered.demoted };
    },
  };
}
