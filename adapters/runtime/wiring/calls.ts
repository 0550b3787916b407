import type { Logger } from 'pino';
import type { Clock } from '../../../core/clock';
import type { Directory } from '../../../core/directory';
import { callService, type CallService } from '../../../application/calls/service';
import type { RatingService } from '../../../application/rating/service';
import type { WalletService } from '../../../application/wallet/service';
import type { Config } from '../config';
import { emergencyTable } from '../../../core/calls/emergency-numbers';

/** Call authorization and charging, as the SIP hooks drive them. */
export function wireCalls(deps: {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly wallet: WalletService;
  readonly rating: RatingService;
  readonly directory: Directory;
}): CallService {
  const { config } = deps;
  return callService({
    wallet: deps.wallet,
    rating: deps.rating,
    directory: deps.directory,
    clock: deps.clock,
    logger: deps.logger.child({ component: 'calls' }),
    riskPrefixes: config.riskPrefixes,
    emergencyNumbers: emergencyTable(config.emergencyNumbers),
    emergencyCarrier: config.emergencyCarrier,
    onNetDomains: new Set([config.sipDomain, ...config.sipPeers].map((d) => d.toLowerCase())),
    policy: {
      grantSeconds: config.callGrantSeconds,
      reservationTtlSeconds: config.reservationTtlSeconds,
      chargeDecimals: config.chargeDecimals,
      ...(Object.keys(config.maxCallCost).length > 0 ? { maxCallCost: config.maxCallCost } : {}),
      ...(Object.keys(config.spendCaps).length > 0 ? { spendCaps: config.spendCaps } : {}),
      ...(config.maxConcurrentCalls !== null || config.maxCallsPerMinute !== null
        ? { limits: { maxConcurrentCalls: config.maxConcurrentCalls, maxCallsPerMinute: config.maxCallsPerMinute } }
        : {}),
    },
  });
}
