import type { SmsGateway, SmsReceipt } from '../../core/sms/gateway';
import type { SmsRoutes } from '../rating/service';
import type { SmsServiceDeps } from './deps';

/** The configured gateways, started on first use, each telling its receipts to `onReceipt`. */
export function smsGateways(deps: SmsServiceDeps, onReceipt: (r: SmsReceipt) => Promise<void>) {
  let gateways: Map<string, SmsGateway> | null = null;

  const started = (): Map<string, SmsGateway> => {
    if (!gateways) {
      gateways = new Map();
      for (const [id, build] of deps.gateways) gateways.set(id, build({ onReceipt, logger: deps.logger.child({ gateway: id }) }));
    }
    return gateways;
  };

  return {
    started,
    usableRoutes(routes: SmsRoutes) {
      const live = started();
      return routes.gateways.filter((g) => live.has(g.gatewayId));
    },
    async close(): Promise<void> {
      const live = gateways;
      gateways = null;
      if (live) await Promise.all([...live.values()].map((g) => g.close()));
    },
  };
}

export type SmsGateways = ReturnType<typeof smsGateways>;
