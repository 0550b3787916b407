import type { SmsCommand } from '../sms/commands';
import type { Restriction } from './events';
import type { CallCommand } from '../calls/commands';

interface ProcessorFact {
  readonly processor: string;
  readonly paymentId: string;
  readonly processorEventId: string;
}

export interface GrantTerms {
  readonly grantId: string;
  readonly expiresAt: string | null;
  readonly restriction: Restriction | null;
}

/** Amounts are decimal strings; `currency` is what the outside fact is denominated in. */
export type WalletCommand =
  | {
      readonly kind: 'start-top-up';
      readonly processor: string;
      readonly paymentId: string;
      readonly amount: string;
      readonly credit: string;
      readonly currency: string;
      readonly requestKey: string;
    }
  | (ProcessorFact & { readonly kind: 'record-purchase'; readonly amount: string; readonly currency: string })
  | (ProcessorFact & { readonly kind: 'record-payment-failure'; readonly reason: string })
  | (ProcessorFact & { readonly kind: 'record-refund'; readonly refundedTotal: string; readonly currency: string })
  | (ProcessorFact & {
      readonly kind: 'record-chargeback' | 'reverse-chargeback';
      readonly disputeId: string;
      readonly amount: string;
      readonly currency: string;
    })
  | (GrantTerms & {
      readonly kind: 'grant';
      readonly amount: string;
      readonly currency: string;
      readonly reason: string;
      readonly source: string;
    })
  | {
      readonly kind: 'redeem-voucher';
      readonly codeHash: string;
      readonly batchId: string;
      readonly amount: string;
      readonly currency: string;
      readonly funding: 'paid' | 'granted';
      readonly grant: GrantTerms | null;
    }
  | {
      readonly kind: 'charge';
      readonly chargeId: string;
      readonly chargeKind: string;
      readonly reference: string;
      readonly destination: string | null;
      readonly amount: string;
      readonly currency: string;
      readonly at: string;
    }
  | { readonly kind: 'expire'; readonly at: string }
  | CallCommand
  | SmsCommand;
