import type { Clock } from '../../../core/clock';
import type { EventStore } from '../../../core/event-store';
import type { IdGenerator } from '../../../core/ids';
import { walletService, type WalletService } from '../../../application/wallet/service';
import type { ReadModelStore } from '../../../application/ports/read-model-store';
import { accountsWithDueGrants } from '../../../projections/balances/queries';

export interface Wallet {
  readonly wallet: WalletService;
  /** Records the expiry of grants that are due (the server runs this every grantExpirySweepSeconds). */
  expireDueGrants(limit?: number): Promise<number>;
}

export function wireWallet(deps: {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly store: EventStore;
  readonly readModels: ReadModelStore;
}): Wallet {
  const wallet = walletService({ store: deps.store, ids: deps.ids, clock: deps.clock });
  return {
    wallet,
    expireDueGrants: async (limit = 500) => wallet.expireDue(await accountsWithDueGrants(deps.readModels, deps.clock.now(), limit)),
  };
}
