import { z } from 'zod';

const amount = z.string().regex(/^(0|[1-9]\d*)(\.\d+)?$/);
const signedAmount = z.string().regex(/^-?(0|[1-9]\d*)(\.\d+)?$/);
const rateRow = z.object({
  rate: z.string(),
  connectFee: z.string(),
  initial: z.number().int(),
  subsequent: z.number().int(),
  minimum: z.number().int(),
});
const carrierRoute = z.object({
  carrierId: z.string(),
  prefix: z.string(),
  currency: z.string(),
  row: rateRow,
  /** Where the proxy sends the call: `sip:<tech prefix><digits>@host:port;transport=…`. */
  uris: z.array(z.string()),
  /** The carrier's deck version the row came from (absent from calls authorized before it was recorded). */
  deckVersion: z.number().int().optional(),
});
/** A carrier route as CallAuthorized records it (plain JSON, so its arrays are mutable types). */
export type CarrierRouteData = z.infer<typeof carrierRoute>;

export const callEvents = {
  /** A call may start: what it may last, what was reserved for that, and the prices as of now. */
  CallAuthorized: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      callId: z.string(),
      destination: z.string(),
      route: z.enum(['pstn', 'on-net']),
      /** on-net: the SIP URI the directory's ENUM entry names. */
      onNetUri: z.string().nullable(),
      grantedSeconds: z.number().int(),
      reserved: amount,
      currency: z.string(),
      /** The retail rate snapshot the call will be charged at, whatever changes later. */
      retail: z
        .object({
          prefix: z.string(),
          row: rateRow,
          /** The catalog revision of the retail sheet the row came from. */
          sheetVersion: z.number().int().optional(),
        })
        .nullable(),
      carriers: z.array(carrierRoute),
      at: z.string(),
      /** When the reservation lapses if no CDR came (grant end + reservation TTL). */
      expiresAt: z.string(),
    }),
  },
  CallExtended: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      callId: z.string(),
      grantedSeconds: z.number().int(),
      reserved: amount,
      expiresAt: z.string(),
      at: z.string(),
    }),
  },
  /** The call's charge: what the CDR's duration costs at the authorized rate, split like any charge. */
  CallCharged: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      callId: z.string(),
      origin: z.string(),
      destination: z.string(),
      route: z.enum(['pstn', 'on-net', 'emergency']),
      seconds: z.number(),
      billedSeconds: z.number().int(),
      amount,
      currency: z.string(),
      fromGrants: z.array(z.object({ grantId: z.string(), amount })),
      fromPaid: amount,
      answeredAt: z.string().nullable(),
      endedAt: z.string(),
      /** Seconds from the INVITE to its first ringing or progress, as the proxy measured them. */
      pddSeconds: z.number().min(0).optional(),
      /** The retail sheet the call was authorized (and so charged) on. */
      sheetVersion: z.number().int().optional(),
    }),
  },
  /** What the carrier that carried the call will invoice for it (its own currency, unrounded). */
  CarrierCostRecorded: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      callId: z.string(),
      carrierId: z.string(),
      prefix: z.string(),
      rate: z.string(),
      billedSeconds: z.number().int(),
      cost: amount,
      currency: z.string(),
      /** The carrier's deck version the cost was priced on. */
      deckVersion: z.number().int().optional(),
    }),
  },
  /**
   * A charged call priced again (a corrected rate): the charge goes from `amountBefore` to
   * `amountAfter`; the difference moves credit (`paidChange`, signed, and a refund beyond what
   * the call took from paid credit back as a promotional `grant`). History is not rewritten:
   * the original CallCharged stands, and `sequence` counts the call's corrections from 1.
   */
  CallRerated: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      callId: z.string(),
      sequence: z.number().int().positive(),
      runId: z.string(),
      planId: z.string(),
      destination: z.string(),
      answeredAt: z.string().nullable(),
      endedAt: z.string(),
      billedSeconds: z.number().int(),
      currency: z.string(),
      amountBefore: amount,
      amountAfter: amount,
      delta: signedAmount,
      paidChange: signedAmount,
      grant: z.object({ grantId: z.string(), amount }).nullable(),
      at: z.string(),
    }),
  },
  /**
   * A call refused for want of credit, recorded at most once a minute per account (a refused
   * client retrying cannot grow the log), so the provider's systems can be told of it.
   */
  CallRefused: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      callId: z.string(),
      destination: z.string(),
      reason: z.literal('insufficient-credit'),
      at: z.string(),
    }),
  },
  /** Not answered: recorded, nothing charged. */
  CallFailed: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      callId: z.string(),
      origin: z.string(),
      reason: z.string(),
      endedAt: z.string(),
      /** Seconds from the INVITE to its first ringing or progress, when it got that far. */
      pddSeconds: z.number().min(0).optional(),
    }),
  },
  ReservationReleased: { schemaVersion: 1, schema: z.object({ accountId: z.string(), callId: z.string(), amount }) },
  /** No CDR came within the grant plus its TTL: the credit is free again; a late CDR still charges. */
  ReservationExpired: { schemaVersion: 1, schema: z.object({ accountId: z.string(), callId: z.string(), amount }) },
  /** A CDR for a call this account never had authorized: kept for review, nothing charged. */
  CdrUnmatched: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      callId: z.string(),
      origin: z.string(),
      cdr: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    }),
  },
} as const;
