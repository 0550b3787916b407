import { z } from 'zod';
import { deriveId } from '../ids';

/** The one stream rejected facts go to: no projection of money reads it. */
export const REJECTED_FACTS_STREAM = 'rejected-facts';

/** How much of a rejected fact's raw payload is kept: enough to review it, never a whole upload. */
export const REJECTED_PAYLOAD_CHARS = 4096;

export const rejectedFactEvents = {
  /**
   * An outside fact (a payment webhook, a delivery receipt, a CDR) that would have recorded
   * something invalid: kept for an operator to review, never applied as money.
   */
  FactRejected: {
    schemaVersion: 1,
    schema: z.object({
      /** Who reported it: `stripe`, `sms-gateway:<id>`, `sip-proxy`. */
      source: z.string().min(1),
      /** The source's own id of the fact (a Stripe event id, a gateway message id). */
      externalId: z.string().min(1),
      reason: z.string().min(1),
      /** The fact as received, cut to REJECTED_PAYLOAD_CHARS characters. */
      payload: z.string().max(REJECTED_PAYLOAD_CHARS),
      truncated: z.boolean(),
      at: z.string(),
    }),
  },
} as const;

/** One rejected fact, as it is recorded and listed. */
export type RejectedFact = z.infer<(typeof rejectedFactEvents)['FactRejected']['schema']>;

/** The same fact delivered again is the same event: recorded once. `key` adds what else tells facts apart (a receipt's status). */
export const rejectedFactId = (source: string, externalId: string, ...key: readonly string[]): string =>
  deriveId('fact-rejected', source, externalId, ...key);

/** The payload to keep: at most REJECTED_PAYLOAD_CHARS characters, and whether it was cut. */
export function trimPayload(raw: string): { readonly payload: string; readonly truncated: boolean } {
  return raw.length > REJECTED_PAYLOAD_CHARS
    ? { payload: raw.slice(0, REJECTED_PAYLOAD_CHARS), truncated: true }
    : { payload: raw, truncated: false };
}
