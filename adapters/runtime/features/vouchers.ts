import { voucherService } from '../../../application/vouchers/service';
import type { RouterDeps } from '../../../application/ports/plugin-api';
import { definePlugin } from '../../../application/ports/plugin-api';
import { unsettledClaims, vouchersProjection } from '../../../projections/vouchers/projection';

// the routers, and express with them, load when the HTTP app is built: a command never builds them
const routers = () => require('../../http/routers/vouchers') as typeof import('../../http/routers/vouchers');

const servicesFrom = (deps: RouterDeps) =>
  voucherService({ store: deps.store, ids: deps.ids, clock: deps.clock, wallet: deps.wallet, amountLimits: deps.amountLimits });

/**
 * Single-use voucher codes: operators issue batches (API or `trunkline vouchers issue`), numbers
 * redeem them once. A job settles claims whose redeemer stopped before the credit was recorded.
 */
export default definePlugin({
  name: 'vouchers',
  register(host) {
    host.addProjection(vouchersProjection);
    host.addRouter('/v1/voucher-batches', (deps) =>
      routers().voucherBatchesRouter({ vouchers: servicesFrom(deps), readModels: deps.readModels }),
    );
    host.addRouter('/v1/accounts', (deps) => routers().redeemRouter({ vouchers: servicesFrom(deps) }));
    host.addJob('settle-voucher-claims', 30, async (deps) => {
      const vouchers = servicesFrom(deps);
      const claims = await unsettledClaims(deps.readModels, new Date(deps.clock.now().getTime() - 30_000), 100);
      for (const claim of claims) {
        const r = await vouchers.settleClaim(claim);
        if (r.events.length > 0) deps.logger.warn({ claim }, 'settled a voucher claim whose credit had not been recorded');
      }
    });
  },
});
