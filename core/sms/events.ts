import { z } from 'zod';
import { RECEIPT_STATUSES } from './commands';

const amount = z.string().regex(/^(0|[1-9]\d*)(\.\d+)?$/);
const split = z.array(z.object({ grantId: z.string(), amount }));
const receiptStatus = z.enum(RECEIPT_STATUSES);

/** A text's life on its sender's account stream: accepted (credit reserved), submitted and charged, then delivered or refunded. */
export const smsEvents = {
  SmsAccepted: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      smsId: z.string(),
      /** The account's own number: a sender cannot be spoofed. */
      from: z.string(),
      to: z.string(),
      encoding: z.enum(['GSM-7', 'UCS-2']),
      segments: z.number().int().min(1),
      characters: z.number().int().min(0),
      /** The price, reserved until a gateway takes the message: per segment × segments + per message, rounded up once. */
      amount,
      currency: z.string(),
      retail: z.object({ prefix: z.string(), perSegment: amount, perMessage: amount }),
      /** SHA-256 of recipient and text: the same request key with another text is refused, the text itself is not kept. */
      fingerprint: z.string(),
      at: z.string(),
    }),
  },
  /** A gateway took it: its message id per segment, for delivery receipts. */
  SmsSubmitted: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      smsId: z.string(),
      gatewayId: z.string(),
      messageIds: z.array(z.string()).min(1),
      /** Gateways tried before it, with why they did not take it (failover). */
      failedOver: z.array(z.object({ gatewayId: z.string(), error: z.string() })),
      /** What the gateway will invoice, for margin reports (in the same event: one index entry less per text). */
      cost: z.object({
        prefix: z.string(),
        perSegment: amount,
        perMessage: amount,
        segments: z.number().int().min(1),
        amount,
        currency: z.string(),
      }),
      at: z.string(),
    }),
  },
  SmsCharged: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      smsId: z.string(),
      to: z.string(),
      segments: z.number().int().min(1),
      amount,
      currency: z.string(),
      fromGrants: split,
      fromPaid: amount,
      at: z.string(),
    }),
  },
  /** No gateway took it: the reservation is released, nothing was charged. */
  SmsFailed: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      smsId: z.string(),
      reason: z.string(),
      attempts: z.array(z.object({ gatewayId: z.string(), error: z.string() })),
      released: amount,
      at: z.string(),
    }),
  },
  SmsReceiptRecorded: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      smsId: z.string(),
      gatewayId: z.string(),
      messageId: z.string(),
      status: receiptStatus,
      error: z.string().nullable(),
      at: z.string(),
    }),
  },
  SmsDelivered: {
    schemaVersion: 1,
    schema: z.object({ accountId: z.string(), smsId: z.string(), at: z.string() }),
  },
  /**
   * A receipt said a segment never arrived: the whole charge goes back, each part where it came
   * from; a part drawn from a promotion that has expired since is forfeited, not returned.
   */
  SmsRefunded: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      smsId: z.string(),
      amount,
      currency: z.string(),
      toGrants: split,
      toPaid: amount,
      forfeited: amount,
      /** The part of the charge the provider absorbed (`ChargeShortfall`), cancelled: the customer never paid it. */
      absorbed: amount.default('0'),
      reason: z.string(),
      at: z.string(),
    }),
  },
} as const;

/** A receipt no message of this engine matches: kept on the gateway's stream for review. */
export const smsGatewayEvents = {
  SmsReceiptUnmatched: {
    schemaVersion: 1,
    schema: z.object({
      gatewayId: z.string(),
      messageId: z.string(),
      status: receiptStatus,
      raw: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
      at: z.string(),
    }),
  },
} as const;

export const smsGatewayStream = (gatewayId: string) => `sms-gateway-${gatewayId}`;
