import { digitsOf, type E164 } from '../../core/e164';
import type { CarrierRouteData } from '../../core/calls/events';
import { priceOnDeck } from '../../core/rating/deck';
import { NS_PER_SECOND } from '../../core/rating/duration';
import type { RateRow } from '../../core/pricing/charge';
import type { CallServiceDeps } from './deps';
import { carrierRoute, rateRow, trunkUri } from './routes';

/** What the emergency carrier's deck does not price is still carried: at no recorded cost. */
const UNPRICED: RateRow = Object.freeze({ rate: '0', connectFee: '0', initial: 1, subsequent: 1, minimum: 0 });

/**
 * Where an emergency call goes: the configured emergency carrier first, then every other voice
 * carrier that terminates calls into the caller's country, cheapest first (LCR over the caller's
 * own number). No margin guard: the call is charged nothing, and a route that loses money is
 * still a route to the emergency services.
 */
export function emergencyRoutes(deps: CallServiceDeps, caller: E164, dialed: string, now: Date): CarrierRouteData[] {
  const catalog = deps.rating.current();
  const callerDigits = digitsOf(caller);
  const routes: CarrierRouteData[] = [];
  const first = deps.emergencyCarrier ? catalog.carriers.get(deps.emergencyCarrier) : undefined;
  if (deps.emergencyCarrier && !(first?.carrier.service === 'voice' && first.carrier.trunks.length > 0))
    deps.logger.error(
      { emergencyCarrier: deps.emergencyCarrier },
      'emergencyCarrier is not a voice carrier with trunks: emergency calls go by LCR',
    );
  if (first && first.carrier.service === 'voice' && first.carrier.trunks.length > 0) {
    const priced = priceOnDeck(first, callerDigits, now, NS_PER_SECOND);
    routes.push({
      carrierId: first.carrier.carrierId,
      prefix: priced?.prefix ?? '',
      currency: first.carrier.currency,
      row: priced ? rateRow(priced.row) : UNPRICED,
      uris: first.carrier.trunks.map((t) => trunkUri(t, dialed)),
      deckVersion: first.version,
    });
  }
  const lcr = deps.rating.lcr({ number: caller, start: now, duration: 60 * NS_PER_SECOND, allowNegativeMargin: true });
  for (const r of lcr.routes) {
    if (r.carrier.trunks.length === 0 || r.carrier.carrierId === first?.carrier.carrierId) continue;
    routes.push(carrierRoute(r, dialed, catalog.carriers.get(r.carrier.carrierId)?.version ?? 0));
  }
  return routes;
}
