import { autoTopUpEvents, type AutoTopUpEventType } from '../auto-top-up/events';
import { clientWebhookEvents, type ClientWebhookEventType } from '../accounts/client-webhook';
import { callLimitsEvents } from '../accounts/call-limits-events';
import { riskEvents } from '../accounts/risk-events';
import { fraudEvents } from '../fraud/events';
import { spendCapsEvents } from '../accounts/spend-caps-events';

type SettingEventType =
  | AutoTopUpEventType
  | ClientWebhookEventType
  | keyof typeof callLimitsEvents
  | keyof typeof riskEvents
  | keyof typeof fraudEvents
  | keyof typeof spendCapsEvents;
const SETTING_TYPES: ReadonlySet<string> = new Set([
  ...Object.keys(autoTopUpEvents),
  ...Object.keys(clientWebhookEvents),
  ...Object.keys(callLimitsEvents),
  ...Object.keys(riskEvents),
  ...Object.keys(fraudEvents),
  ...Object.keys(spendCapsEvents),
]);

/**
 * An account's settings, arrangements and holds (auto top-up, its client webhook, its call limits, a fraud review): they move no money,
 * and no projection of calls, texts or finance reads them.
 */
export const isSettingEvent = <E extends { readonly type: string }>(e: E): e is Extract<E, { readonly type: SettingEventType }> =>
  SETTING_TYPES.has(e.type);
