import { refuseBlocked } from '../../core/blocked-prefixes';
import { riskClassOf } from '../../core/rating/risk-classes';
import { DomainError } from '../../core/decider';
import { DirectoryUnavailableError } from '../../core/directory';
import { digitsOf, type E164 } from '../../core/e164';
import type { CallRoute } from '../../core/calls/commands';
import type { CarrierRouteData } from '../../core/calls/events';
import type { RateRow } from '../../core/pricing/charge';
import { coversEveryDuration } from '../../core/rating/coverage';
import { priceOnDeck } from '../../core/rating/deck';
import type { DeckRow, Trunk } from '../../core/rating/catalog-events';
import { NS_PER_SECOND } from '../../core/rating/duration';
import type { Route } from '../../core/rating/lcr';
import { sipTarget } from '../../core/calls/sip-target';
import type { CallServiceDeps } from './deps';

/**
 * A deck row's price as calls record it, one frozen object per deck row: every call priced by
 * the row shares it (in its CallAuthorized and, while it is open, in its account's state)
 * instead of holding a copy of its own. Rows are replaced, never changed, when a deck is.
 */
const rateRows = new WeakMap<DeckRow, RateRow>();
export function rateRow(row: DeckRow): RateRow {
  let shared = rateRows.get(row);
  if (!shared) {
    shared = Object.freeze({
      rate: row.rate,
      connectFee: row.connectFee,
      initial: row.initial,
      subsequent: row.subsequent,
      minimum: row.minimum,
    });
    rateRows.set(row, shared);
  }
  return shared;
}
type RetailRate = { readonly prefix: string; readonly row: RateRow; readonly sheetVersion: number };
const retailRates = new WeakMap<DeckRow, RetailRate>();
function retailRate(prefix: string, row: DeckRow, sheetVersion: number): RetailRate {
  let shared = retailRates.get(row);
  if (!shared || shared.prefix !== prefix || shared.sheetVersion !== sheetVersion)
    retailRates.set(row, (shared = Object.freeze({ prefix, row: rateRow(row), sheetVersion })));
  return shared;
}
const NO_RISK_PREFIXES = {};
// srtp=yes tells the proxy to offer this trunk SRTP; the proxy takes the parameter off before relaying
export const trunkUri = (t: Trunk, digits: string) =>
  `sip:${t.techPrefix}${digits}@${t.host}:${t.port};transport=${t.transport}${t.srtp ? ';srtp=yes' : ''}`;

/** An LCR route as a call records it: the trunks' URIs dial `dialed` (the E.164 digits, or an emergency short code). */
export function carrierRoute(r: Route, dialed: string, deckVersion: number): CarrierRouteData {
  return {
    carrierId: r.carrier.carrierId,
    prefix: r.prefix,
    currency: r.carrier.currency,
    row: rateRow(r.row),
    uris: r.carrier.trunks.map((t) => trunkUri(t, dialed)),
    deckVersion,
  };
}

/** The SIP URI the directory publishes for `number`, or null; throws DirectoryUnavailableError when it cannot answer. */
export async function directorySipUri(deps: Pick<CallServiceDeps, 'directory'>, number: E164): Promise<string | null> {
  const answer = await deps.directory.lookup(number);
  if (answer.status !== 'found') return null;
  const sip = [...answer.enum]
    .filter((e) => /^e2u\+sip$/i.test(e.service))
    .sort((a, b) => a.order - b.order || a.preference - b.preference)[0];
  return sip?.uri ?? null;
}

/**
 * The SIP URI the directory gives for `number` when it is on-net; null for PSTN. On-net is free,
 * and the directory entry is the number owner's to write: only a URI at this provider's domain or
 * a federation peer's, with no port of its own, is on-net. Anything else (an IP address, a carrier
 * trunk, a stranger's domain) would be a free call wherever it points, so it is priced as PSTN.
 */
export async function onNetUri(deps: CallServiceDeps, number: E164): Promise<string | null> {
  try {
    const uri = await directorySipUri(deps, number);
    if (uri === null) return null;
    const target = sipTarget(uri);
    if (!target || target.ipLiteral || target.port !== null || !deps.onNetDomains?.has(target.host)) {
      deps.logger.info({ number, uri }, 'ENUM SIP URI at no on-net domain: routing as PSTN');
      return null;
    }
    return uri;
  } catch (error) {
    // a directory that cannot answer must not block the call: it goes out (and is charged) as PSTN
    if (error instanceof DirectoryUnavailableError) {
      deps.logger.warn({ number, reason: error.reason }, 'directory unavailable: routing as PSTN');
      return null;
    }
    throw error;
  }
}

/** The retail price of a call to `number` and the carriers that may take it, cheapest first. */
export function pstnRoute(deps: CallServiceDeps, number: E164, now: Date): Extract<CallRoute, { kind: 'pstn' }> {
  refuseBlocked(number, deps.rating.blockedPrefixes(), 'calls');
  const digits = digitsOf(number);
  const catalog = deps.rating.current();
  const retail = priceOnDeck(catalog.retail.deck, digits, now, NS_PER_SECOND);
  if (!retail) throw new DomainError('unrated-destination', `there is no retail price for ${number}`);
  const lcr = deps.rating.lcr({ number, start: now, duration: 60 * NS_PER_SECOND });
  // LCR guards the margin of a one-minute call; the call may last any time and fail over to any
  // route offered, so a route is offered only if the retail row covers its cost at every duration
  const carriers: CarrierRouteData[] = lcr.routes
    .filter((r) => r.carrier.trunks.length > 0 && coversEveryDuration(retail.row, r.row))
    .map((r) => carrierRoute(r, digits, catalog.carriers.get(r.carrier.carrierId)?.version ?? 0));
  if (carriers.length === 0) throw new DomainError('no-route', `no carrier routes ${number}`);
  return {
    kind: 'pstn',
    retail: retailRate(retail.prefix, retail.row, catalog.revision),
    carriers,
    riskClass: riskClassOf(number, deps.riskPrefixes ?? NO_RISK_PREFIXES),
  };
}
