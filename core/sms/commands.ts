import type { SpendCaps } from '../wallet/spend-caps';
import type { RiskClass } from '../rating/risk-classes';
import type { Segmentation } from './segments';

export interface SmsLimits {
  readonly maxSegments: number;
  readonly perMinute: number;
  readonly perDay: number;
}

/** A retail or gateway price: per segment, plus per message. */
export interface SmsPrice {
  readonly prefix: string;
  readonly perSegment: string;
  readonly perMessage: string;
}

/** What a delivery receipt may say of a text: anything else is no receipt of this engine's. */
export const RECEIPT_STATUSES = ['delivered', 'failed', 'expired'] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

export type SmsCommand =
  | {
      readonly type: 'accept-sms';
      readonly data: {
        readonly smsId: string;
        readonly to: string;
        readonly fingerprint: string;
        readonly segmentation: Pick<Segmentation, 'encoding' | 'segments' | 'characters'>;
        readonly retail: SmsPrice;
        readonly limits: SmsLimits;
        readonly chargeDecimals: number;
        readonly at: string;
        /** The destination's risk class: refused unless the account is allowed it. */
        readonly riskClass?: RiskClass | null;
        /** What one account may be charged a day and a month, by currency. Absent: no cap. */
        readonly spendCaps?: Readonly<Record<string, SpendCaps>>;
      };
    }
  | {
      readonly type: 'record-sms-submission';
      readonly data: {
        readonly smsId: string;
        readonly gatewayId: string;
        readonly messageIds: readonly string[];
        readonly failedOver: readonly { readonly gatewayId: string; readonly error: string }[];
        readonly cost: SmsPrice & { readonly currency: string };
        readonly at: string;
      };
    }
  | {
      readonly type: 'fail-sms';
      readonly data: {
        readonly smsId: string;
        readonly reason: string;
        readonly attempts: readonly { readonly gatewayId: string; readonly error: string }[];
        readonly at: string;
      };
    }
  | {
      readonly type: 'record-sms-receipt';
      readonly data: {
        readonly smsId: string;
        readonly gatewayId: string;
        readonly messageId: string;
        readonly status: ReceiptStatus;
        readonly error: string | null;
        readonly at: string;
      };
    };
