import type { ReceiptStatus } from './commands';
import type { SmsEncoding } from './segments';

/** One text as a gateway sends it: each segment's payload already encoded. */
export interface SmsSubmission {
  readonly smsId: string;
  /** E.164 with the +. */
  readonly from: string;
  readonly to: string;
  readonly encoding: SmsEncoding;
  readonly text: string;
  /** Per segment: unpacked GSM-7 septets or UCS-2 big-endian. */
  readonly parts: readonly Uint8Array[];
}

export type GatewayFailure = 'refused' | 'timeout' | 'unavailable';

/** Why a gateway did not take a text; any kind moves the text on to the next gateway. */
export class SmsGatewayError extends Error {
  override readonly name = 'SmsGatewayError';
  constructor(
    readonly kind: GatewayFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface SmsReceipt {
  readonly gatewayId: string;
  readonly messageId: string;
  readonly status: ReceiptStatus;
  readonly error: string | null;
  readonly at: string;
  readonly raw: Readonly<Record<string, string | number | boolean | null>>;
}

/** The port every SMS gateway adapter fills (SMPP, HTTP, a plugin's own). */
export interface SmsGateway {
  readonly id: string;
  /** Resolves with the gateway's message id per segment once it took the text; rejects with SmsGatewayError. */
  submit(message: SmsSubmission): Promise<{ readonly messageIds: readonly string[] }>;
  close(): Promise<void>;
}

/** Where gateways hand the delivery receipts they receive. */
export type ReceiptSink = (receipt: SmsReceipt) => Promise<void>;
