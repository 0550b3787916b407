import type { Decimal } from '../../core/money';

export interface PricingInput {
  readonly prefix: string;
  readonly destination: string;
  /** The cheapest carrier's rate per minute for this prefix now. */
  readonly costPerMinute: Decimal;
  readonly currency: string;
}

export interface RetailRate {
  readonly ratePerMinute: Decimal;
  /** Billing increments the customer sees (seconds). */
  readonly initial: number;
  readonly subsequent: number;
  readonly free: boolean;
}

/** Turns carrier cost into the public retail price of a prefix. */
export interface PricingPolicy {
  readonly name: string;
  price(input: PricingInput): RetailRate;
}
