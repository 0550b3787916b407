import type { JsonObject } from '../../core/json';
import type { Decimal } from '../../core/money';
import type { CarrierService } from '../../core/rating/catalog-events';

export interface PricingInput {
  readonly prefix: string;
  readonly destination: string;
  /** The cheapest carrier's rate per minute for this prefix now. */
  readonly costPerMinute: Decimal;
  readonly currency: string;
  /** sms: `costPerMinute` is the cheapest gateway's cost per segment, and the answer's rate a price per segment. */
  readonly service: CarrierService;
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
  /**
   * The same policy with `options` laid over its configured ones (an operator's live change);
   * throws a readable Error when they are not valid. Without it the policy takes no live options.
   */
  withOptions?(options: JsonObject): PricingPolicy;
}
