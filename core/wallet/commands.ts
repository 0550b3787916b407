import type { SmsCommand } from '../sms/commands';
import type { Restriction } from './events';
import type { CallCommand } from '../calls/commands';
import type { AutoTopUpCommand } from '../auto-top-up/commands';
import type { FraudCommand } from '../fraud/commands';

interface ProcessorFact {
  readonly processor: string;
  readonly paymentId: string;
  readonly processorEventId: string;
}

/** A dispute's step at the processor: funds withdrawn, or reinstated. */
interface DisputeFact extends ProcessorFact {
  readonly disputeId: string;
  readonly amount: string;
  readonly currency: string;
}

export interface GrantTerms {
  readonly grantId: string;
  readonly expiresAt: string | null;
  readonly restriction: Restriction | null;
}

/** Amounts are decimal strings; `currency` is what the outside fact is denominated in. */
export type WalletCommand =
  | {
      readonly type: 'start-top-up';
      readonly data: {
        readonly processor: string;
        readonly paymentId: string;
        readonly amount: string;
        readonly credit: string;
        readonly currency: string;
        readonly requestKey: string;
        /** The auto top-up this payment pays for, when the engine started it itself. */
        readonly autoTopUp?: string;
      };
    }
  | {
      readonly type: 'record-purchase';
      readonly data: ProcessorFact & {
        readonly amount: string;
        readonly currency: string;
        /** The auto top-up this payment was for, as the processor's metadata says. */
        readonly autoTopUp?: string;
      };
    }
  | {
      readonly type: 'record-payment-failure';
      readonly data: ProcessorFact & {
        readonly reason: string;
      };
    }
  | {
      readonly type: 'record-refund';
      readonly data: ProcessorFact & {
        readonly refundedTotal: string;
        readonly currency: string;
      };
    }
  | {
      readonly type: 'record-chargeback';
      readonly data: DisputeFact;
    }
  | {
      readonly type: 'reverse-chargeback';
      readonly data: DisputeFact;
    }
  | {
      readonly type: 'grant';
      readonly data: GrantTerms & {
        readonly amount: string;
        readonly currency: string;
        readonly reason: string;
        readonly source: string;
      };
    }
  | {
      readonly type: 'redeem-voucher';
      readonly data: {
        readonly codeHash: string;
        readonly batchId: string;
        readonly amount: string;
        readonly currency: string;
        readonly funding: 'paid' | 'granted';
        readonly grant: GrantTerms | null;
      };
    }
  | {
      readonly type: 'charge';
      readonly data: {
        readonly chargeId: string;
        readonly chargeKind: string;
        readonly reference: string;
        readonly destination: string | null;
        readonly amount: string;
        readonly currency: string;
        readonly at: string;
      };
    }
  | { readonly type: 'expire'; readonly data: { readonly at: string } }
  | CallCommand
  | SmsCommand
  | AutoTopUpCommand
  | FraudCommand;
