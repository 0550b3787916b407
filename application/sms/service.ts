import { smsAbandonment } from './abandon';
import type { SmsServiceDeps } from './deps';
import { smsGateways } from './gateways';
import { smsQuotes } from './quote';
import { recentSubmissions } from './recent-submissions';
import { smsReceipts } from './receipts';
import { smsSending } from './send';

export type { MessageOwner, SmsServiceDeps } from './deps';
export type { SmsQuote } from './quote';
export type { SmsOutcome } from './send';

/** Accept, submit with failover, charge on acceptance, refund on a failed receipt. */
export function smsService(deps: SmsServiceDeps) {
  const recent = recentSubmissions();
  const { receipt } = smsReceipts(deps, recent);
  const gateways = smsGateways(deps, receipt);
  return {
    receipt,
    ...smsQuotes(deps, gateways),
    ...smsSending(deps, gateways, recent),
    ...smsAbandonment(deps),
    close: gateways.close,
  };
}

export type SmsService = ReturnType<typeof smsService>;
