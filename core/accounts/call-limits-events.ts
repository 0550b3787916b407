import { z } from 'zod';

const limit = z.number().int().min(1).max(100_000).nullable();

/** An operator's limits for one account; null: the provider's default (`maxConcurrentCalls`, `maxCallsPerMinute`). */
export const callLimitsEvents = {
  CallLimitsSet: {
    schemaVersion: 1,
    schema: z.object({ accountId: z.string(), maxConcurrentCalls: limit, maxCallsPerMinute: limit }),
  },
} as const;
