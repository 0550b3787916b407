/** The pricing policy contract lives with the rating core; plugins implement it. */
export type { CostBasis, PricingInput, PricingPolicy, RetailRate } from '../../core/rating/pricing-policy';
