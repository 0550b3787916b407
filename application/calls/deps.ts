import type { Logger } from 'pino';
import type { Clock } from '../../core/clock';
import type { CallPolicy } from '../../core/calls/commands';
import type { Directory } from '../../core/directory';
import type { RiskPrefixes } from '../../core/rating/risk-classes';
import type { EmergencyNumbers } from '../../core/calls/emergency-numbers';
import type { RatingService } from '../rating/service';
import type { WalletService } from '../wallet/service';

export interface CallServiceDeps {
  readonly wallet: WalletService;
  readonly rating: RatingService;
  readonly directory: Directory;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly policy: CallPolicy;
  /** The provider's prefix lists per destination risk class (absent: the numbering plan's types only). */
  readonly riskPrefixes?: RiskPrefixes;
  /** Emergency numbers by country (core/calls/emergency-numbers.ts); absent: none is let through. */
  readonly emergencyNumbers?: EmergencyNumbers;
  /** This provider's SIP domain and its federation peers' (lower case): the hosts an on-net URI may name. */
  readonly onNetDomains?: ReadonlySet<string>;
  /** The carrier emergency calls try first; the rest follow by LCR over the caller's country. */
  readonly emergencyCarrier?: string | null;
}
