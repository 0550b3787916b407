import { refuseBlocked } from '../../core/blocked-prefixes';
import { parseE164 } from '../../core/e164';
import { smsPrice } from '../../core/sms/pricing';
import { segment, type Segmentation } from '../../core/sms/segments';
import type { SmsServiceDeps } from './deps';
import type { SmsGateways } from './gateways';

/** A text's quote: what it costs and through which gateways it would go. */
export interface SmsQuote extends Pick<Segmentation, 'encoding' | 'segments' | 'characters'> {
  readonly to: string;
  readonly currency: string;
  readonly perSegment: string | null;
  readonly perMessage: string | null;
  readonly price: string | null;
  readonly gateways: readonly string[];
}

export function smsQuotes(deps: SmsServiceDeps, gateways: SmsGateways) {
  return {
    async quote(input: { to: string; text: string }): Promise<SmsQuote> {
      const to = parseE164(input.to);
      await deps.rating.ensureCurrent();
      refuseBlocked(to, deps.rating.blockedPrefixes(), 'texts');
      const s = segment(input.text);
      const routes = deps.rating.smsRoutes(to, deps.clock.now());
      return {
        to,
        encoding: s.encoding,
        segments: s.segments,
        characters: s.characters,
        currency: routes.currency,
        perSegment: routes.retail?.perSegment ?? null,
        perMessage: routes.retail?.perMessage ?? null,
        price: routes.retail && s.segments > 0 ? smsPrice(routes.retail, s.segments, deps.chargeDecimals).toFixed() : null,
        gateways: gateways.usableRoutes(routes).map((g) => g.gatewayId),
      };
    },
  };
}
