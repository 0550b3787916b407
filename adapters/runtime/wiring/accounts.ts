import type { Clock } from '../../../core/clock';
import type { EventStore } from '../../../core/event-store';
import type { IdGenerator } from '../../../core/ids';
import { accountService, type AccountService } from '../../../application/accounts/service';
import type { Config } from '../config';
import type { Extensions } from './plugins';

/** Accounts open on the configured plan and currency, with what every registered opening policy grants. */
export function wireAccounts(deps: {
  readonly config: Config;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly store: EventStore;
  readonly ext: Extensions;
}): AccountService {
  const policies = [...deps.ext.openingPolicies.values()];
  return accountService({
    store: deps.store,
    ids: deps.ids,
    clock: deps.clock,
    sipDomain: deps.config.sipDomain,
    defaultPlan: deps.config.defaultPlan,
    defaultCurrency: deps.config.retailCurrency,
    welcome: (currency, openedAt) => policies.flatMap((p) => p.welcome(currency, openedAt)),
  });
}
