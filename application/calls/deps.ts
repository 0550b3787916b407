import type { Logger } from 'pino';
import type { Clock } from '../../core/clock';
import type { CallPolicy } from '../../core/calls/commands';
import type { Directory } from '../../core/directory';
import type { RatingService } from '../rating/service';
import type { WalletService } from '../wallet/service';

export interface CallServiceDeps {
  readonly wallet: WalletService;
  readonly rating: RatingService;
  readonly directory: Directory;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly policy: CallPolicy;
}
