import type { AmountLimits } from '../../core/amount-limits';
import type { Clock } from '../../core/clock';
import type { EventStore } from '../../core/event-store';
import type { IdGenerator } from '../../core/ids';
import type { WalletService } from '../wallet/service';

export interface VoucherServiceDeps {
  readonly store: EventStore;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly wallet: WalletService;
  /** Per currency, the largest amount and the most decimal places a batch's codes may carry. */
  readonly amountLimits: AmountLimits;
  readonly random?: (bytes: number) => Uint8Array;
}
