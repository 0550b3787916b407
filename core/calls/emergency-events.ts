import { z } from 'zod';

/** The routes an emergency call may take, in order (carrier and the URIs of its trunks). */
const emergencyRoute = z.object({
  carrierId: z.string(),
  prefix: z.string(),
  currency: z.string(),
  row: z.object({
    rate: z.string(),
    connectFee: z.string(),
    initial: z.number().int(),
    subsequent: z.number().int(),
    minimum: z.number().int(),
  }),
  uris: z.array(z.string()),
  deckVersion: z.number().int().optional(),
});

export const emergencyEvents = {
  /**
   * An emergency number dialed and let through whatever the account's balance, debt, limits or
   * suspension: charged nothing. `dialed` is the short code as the client sent it; `country`
   * the caller's (from their number), whose table it matched.
   */
  EmergencyCallAuthorized: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      callId: z.string(),
      dialed: z.string(),
      country: z.string(),
      /** The account's status when it called: a suspended account's emergency call is worth review. */
      accountStatus: z.enum(['open', 'suspended']),
      /** The account's currency: what its record shows the (zero) price in. */
      currency: z.string(),
      carriers: z.array(emergencyRoute),
      at: z.string(),
      /** When the call leaves the open calls if no CDR came (it holds no credit). */
      expiresAt: z.string(),
    }),
  },
} as const;
