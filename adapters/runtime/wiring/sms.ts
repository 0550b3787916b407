import type { Logger } from 'pino';
import type { Clock } from '../../../core/clock';
import type { EventStore } from '../../../core/event-store';
import type { ReadModelStore } from '../../../application/ports/read-model-store';
import type { RatingService } from '../../../application/rating/service';
import { smsService, type SmsService } from '../../../application/sms/service';
import type { WalletService } from '../../../application/wallet/service';
import { ownerOfMessage } from '../../../projections/sms/queries';
import { waitForProjection } from '../../../projections/wait';
import type { Config } from '../config';
import type { Extensions } from './plugins';

/** Texts through the registered gateways, within the configured limits. */
export function wireSms(deps: {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly store: EventStore;
  readonly readModels: ReadModelStore;
  readonly wallet: WalletService;
  readonly rating: RatingService;
  readonly ext: Extensions;
}): SmsService {
  const { config, store, readModels } = deps;
  return smsService({
    wallet: deps.wallet,
    rating: deps.rating,
    store,
    clock: deps.clock,
    logger: deps.logger.child({ component: 'sms' }),
    gateways: deps.ext.smsGateways,
    limits: { maxSegments: config.smsMaxSegments, perMinute: config.smsPerMinute, perDay: config.smsPerDay },
    chargeDecimals: config.chargeDecimals,
    riskPrefixes: config.riskPrefixes,
    ...(Object.keys(config.spendCaps).length > 0 ? { spendCaps: config.spendCaps } : {}),
    findOwner: async (gatewayId, messageId) => {
      const known = await ownerOfMessage(readModels, gatewayId, messageId);
      if (known) return known;
      // a receipt can outrun the read model (another node sent the text): catch up with the log once
      await waitForProjection(readModels, 'sms', await store.head(), 3000);
      return ownerOfMessage(readModels, gatewayId, messageId);
    },
  });
}
