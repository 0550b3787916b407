import type { Logger } from 'pino';
import type { ReceiptSink, SmsGateway } from '../../core/sms/gateway';

/** Builds a gateway once the engine sends its first text; `onReceipt` takes its delivery receipts. */
export type SmsGatewayFactory = (deps: { readonly onReceipt: ReceiptSink; readonly logger: Logger }) => SmsGateway;
