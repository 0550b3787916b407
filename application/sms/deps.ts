import type { SpendCaps } from '../../core/wallet/spend-caps';
import type { RiskPrefixes } from '../../core/rating/risk-classes';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock';
import type { EventStore } from '../../core/event-store';
import type { SmsLimits } from '../../core/sms/commands';
import type { RatingService } from '../rating/service';
import type { WalletService } from '../wallet/service';
import type { SmsGatewayFactory } from '../ports/sms-gateway';

/** Where a gateway's message id leads: the sender's account and the text. */
export interface MessageOwner {
  readonly number: string;
  readonly smsId: string;
}

export interface SmsServiceDeps {
  readonly wallet: WalletService;
  readonly rating: RatingService;
  readonly store: EventStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly gateways: ReadonlyMap<string, SmsGatewayFactory>;
  readonly limits: SmsLimits;
  readonly chargeDecimals: number;
  /** The provider's prefix lists per destination risk class (absent: the numbering plan's types only). */
  readonly riskPrefixes?: RiskPrefixes;
  /** What one account may be charged a day and a month, by currency (absent: no cap). */
  readonly spendCaps?: Readonly<Record<string, SpendCaps>>;
  /** The read model's answer (after catching up with the log) for a message id this process did not send. */
  readonly findOwner: (gatewayId: string, messageId: string) => Promise<MessageOwner | null>;
}
