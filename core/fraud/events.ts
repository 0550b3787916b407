import { z } from 'zod';

/** What a rule saw: figures and lists a reviewer reads (no money as floats: amounts are decimal strings). */
export const evidenceSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]));

export const fraudEvents = {
  /**
   * A velocity rule fired on the account's activity: paid services (PSTN calls and texts) are held
   * until an operator clears it. `suspicionId` is the rule's name and the account's count of clears
   * when it fired: one suspicion per rule between two reviews.
   */
  FraudSuspected: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      suspicionId: z.string(),
      rule: z.string(),
      summary: z.string(),
      evidence: evidenceSchema,
      at: z.string(),
    }),
  },
  /** An operator reviewed the open suspicions and released the hold: what was seen so far is not counted again. */
  FraudCleared: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      suspicionIds: z.array(z.string()),
      by: z.string(),
      note: z.string(),
      at: z.string(),
    }),
  },
} as const;
