import type { JsonObject } from '../json';
import type { Decimal } from '../money';
import type { CarrierService } from './catalog-events';

/** A carrier row's whole price: what a call costs is rate × billed seconds / 60 + connect fee. */
export interface CostBasis {
  readonly ratePerMinute: Decimal;
  readonly connectFee: Decimal;
  /** Billing increments (seconds): the first `initial`, then `subsequent` each. */
  readonly initial: number;
  readonly subsequent: number;
  /** Seconds billed at least once a call connects. */
  readonly minimum: number;
}

export interface PricingInput {
  readonly prefix: string;
  readonly destination: string;
  /**
   * The row of the carrier a call to this prefix goes to first. voice: the cheapest one-minute
   * call; sms: the cheapest gateway's price of one segment as `ratePerMinute`, no fee, increments
   * 1/1, and the answer's rate is a price per segment.
   */
  readonly cost: CostBasis;
  readonly currency: string;
  readonly service: CarrierService;
}

/** The retail row: a call is charged rate × billed seconds / 60 + connect fee, like a carrier's. */
export interface RetailRate extends CostBasis {
  readonly free: boolean;
}

/**
 * Turns carrier cost into the public retail price of a prefix. A policy that means to sell
 * above cost must price the whole basis (fee, minimum, increments), not the rate alone: a short
 * call on a 60/60 carrier with a connect fee costs far more than its per-minute rate says.
 */
export interface PricingPolicy {
  readonly name: string;
  price(input: PricingInput): RetailRate;
  /**
   * The same policy with `options` laid over its configured ones (an operator's live change);
   * throws a readable Error when they are not valid. Without it the policy takes no live options.
   */
  withOptions?(options: JsonObject): PricingPolicy;
}
