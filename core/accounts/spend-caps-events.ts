import { z } from 'zod';

const cap = z
  .string()
  .regex(/^(0|[1-9]\d{0,11})(\.\d{1,6})?$/)
  .nullable();

/** An operator's spend caps for one account, in its currency; null: the provider's (`spendCaps`). */
export const spendCapsEvents = {
  SpendCapsSet: {
    schemaVersion: 1,
    schema: z.object({ accountId: z.string(), perDay: cap, perMonth: cap }),
  },
} as const;

/** One account's own caps (decimal strings in its currency); null: the provider's for that period. */
export interface AccountSpendCaps {
  readonly perDay: string | null;
  readonly perMonth: string | null;
}
