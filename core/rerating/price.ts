import { roundCharge } from '../pricing/charge';
import type { CallCost } from '../rating/cost';
import { NS_PER_SECOND, type Nanos } from '../rating/duration';

/** A charged call's new price, as a rerate command carries it. */
export interface RepricedCall {
  readonly amount: string;
  readonly billedSeconds: number;
}

/** The duration a charged call is rated again for: the seconds its CDR reported, to the millisecond. */
export function rerateDuration(seconds: number): Nanos {
  return Math.round(seconds * 1000) * (NS_PER_SECOND / 1000);
}

/**
 * A call's price on a corrected plan: the plan's cost rounded up once to the places charges are
 * kept in (`chargeDecimals`), as when the call was charged, so that rerating on the same plan
 * finds no difference; and the seconds that plan bills.
 */
export function repriceCall(cost: CallCost, chargeDecimals: number): RepricedCall {
  return {
    amount: roundCharge(cost.cost, chargeDecimals).toFixed(),
    billedSeconds: Math.round(cost.billed / NS_PER_SECOND),
  };
}
