import { z } from 'zod';

export const inboundEvents = {
  /**
   * A call from a peer provider reached this account's user over the federation: recorded on the
   * callee's account, it moves and holds no money (the caller's provider routed it on-net, free).
   * `caller` is the number the peer asserted; `peer` the domain its verified certificate names.
   */
  PeerCallReceived: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      callId: z.string(),
      caller: z.string(),
      peer: z.string(),
      /** The account's currency: what its record shows the (zero) price in. */
      currency: z.string(),
      at: z.string(),
    }),
  },
} as const;
