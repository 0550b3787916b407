import type { AccountSpendCaps } from '../accounts/spend-caps-events';
import type { CallLimits } from '../calls/limits';
import type { AccountStreamEvent } from './events';

/** The operator's settings for one account that its calls and texts are decided with. */
export interface AccountSettings {
  readonly riskClassesAllowed: readonly string[];
  readonly callLimits: CallLimits | null;
  readonly spendCaps: AccountSpendCaps | null;
}

export function evolveAccountSettings<S extends AccountSettings>(s: S, e: AccountStreamEvent): S {
  switch (e.type) {
    case 'RiskClassesAllowed':
      return { ...s, riskClassesAllowed: e.data.classes };
    case 'CallLimitsSet':
      return { ...s, callLimits: { maxConcurrentCalls: e.data.maxConcurrentCalls, maxCallsPerMinute: e.data.maxCallsPerMinute } };
    case 'SpendCapsSet':
      return { ...s, spendCaps: { perDay: e.data.perDay, perMonth: e.data.perMonth } };
    default:
      // a client webhook is nothing the wallet decides on; auto top-up and fraud holds evolve apart
      return s;
  }
}
