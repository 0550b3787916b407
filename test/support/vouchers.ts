import { voucherService, type IssueRequest } from '../../application/vouchers/service';
import { amountLimits } from '../../core/amount-limits';
import type { Engine } from '../../adapters/runtime/engine';

/** The engine's voucher service (as the plugin and the CLI build it). */
export const vouchersOf = (engine: Engine) =>
  voucherService({
    store: engine.store,
    ids: engine.ids,
    clock: { now: () => new Date() },
    wallet: engine.wallet,
    amountLimits: amountLimits(engine.config.amountLimits),
  });

/** Issues one paid EUR batch straight through the service; `overrides` change any term. */
export const issueBatch = (engine: Engine, overrides: Partial<IssueRequest> = {}) =>
  vouchersOf(engine).issue({
    count: 1,
    amount: '5',
    currency: 'EUR',
    expiresAt: '2030-01-01T00:00:00Z',
    funding: 'paid',
    grantValidDays: null,
    restriction: null,
    note: '',
    issuedBy: 'test',
    ...overrides,
  });
