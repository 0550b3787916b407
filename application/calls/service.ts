import type { Logger } from 'pino';
import type { Clock } from '../../core/clock';
import { refuseBlocked } from '../../core/blocked-prefixes';
import { DomainError } from '../../core/decider';
import { DirectoryUnavailableError, type Directory } from '../../core/directory';
import { digitsOf, parseE164, type E164 } from '../../core/e164';
import type { CallPolicy, CallRoute } from '../../core/calls/commands';
import type { CarrierRouteData } from '../../core/calls/events';
import type { RateRow } from '../../core/pricing/charge';
import { coversEveryDuration } from '../../core/rating/coverage';
import { priceOnDeck } from '../../core/rating/deck';
import type { DeckRow, Trunk } from '../../core/rating/catalog-events';
import { NS_PER_SECOND } from '../../core/rating/duration';
import type { RatingService } from '../rating/service';
import type { WalletService } from '../wallet/service';

export interface CallServiceDeps {
  readonly wallet: WalletService;
  readonly rating: RatingService;
  readonly directory: Directory;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly policy: CallPolicy;
  /** Destinations (digit prefixes) no one may call: premium rate, known fraud ranges. */
}

export interface Authorization {
  readonly allow: true;
  readonly callId: string;
  readonly route: 'pstn' | 'on-net';
  /** Seconds the proxy lets the call last (the grant). */
  readonly maxDuration: number;
  /** Where to send it, in order: on-net, the directory's SIP URI; PSTN, carriers cheapest first. */
  readonly routes: readonly { readonly carrierId: string | null; readonly uri: string; readonly deckVersion?: number | null }[];
  readonly reservationId: string;
  readonly reserved: string;
  readonly currency: string;
  readonly rate: {
    readonly prefix: string;
    readonly ratePerMinute: string;
    readonly connectFee: string;
    readonly increments: string;
    /** The catalog revision of the retail sheet this call is charged on. */
    readonly sheetVersion: number | null;
  } | null;
  readonly position: number | null;
}

/**
 * A deck row's price as calls record it, one frozen object per deck row: every call priced by
 * the row shares it (in its CallAuthorized and, while it is open, in its account's state)
 * instead of holding a copy of its own. Rows are replaced, never changed, when a deck is.
 */
const rateRows = new WeakMap<DeckRow, RateRow>();
function rateRow(row: DeckRow): RateRow {
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
const trunkUri = (t: Trunk, digits: string) => `sip:${t.techPrefix}${digits}@${t.host}:${t.port};transport=${t.transport}`;

/** Real-time authorization and CDR charging: finds the route, then runs the call commands on the caller's account. */
export function callService(deps: CallServiceDeps) {
  async function onNetUri(number: E164): Promise<string | null> {
    try {
      const answer = await deps.directory.lookup(number);
      if (answer.status !== 'found') return null;
      const sip = [...answer.enum]
        .filter((e) => /^e2u\+sip$/i.test(e.service))
        .sort((a, b) => a.order - b.order || a.preference - b.preference)[0];
      return sip?.uri ?? null;
    } catch (error) {
      // a directory that cannot answer must not block the call: it goes out (and is charged) as PSTN
      if (error instanceof DirectoryUnavailableError) {
        deps.logger.warn({ number, reason: error.reason }, 'directory unavailable: routing as PSTN');
        return null;
      }
      throw error;
    }
  }

  function pstnRoute(number: E164, now: Date): Extract<CallRoute, { kind: 'pstn' }> {
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
      .map((r) => ({
        carrierId: r.carrier.carrierId,
        prefix: r.prefix,
        currency: r.carrier.currency,
        row: rateRow(r.row),
        uris: r.carrier.trunks.map((t) => trunkUri(t, digits)),
        deckVersion: catalog.carriers.get(r.carrier.carrierId)?.version ?? 0,
      }));
    if (carriers.length === 0) throw new DomainError('no-route', `no carrier routes ${number}`);
    return { kind: 'pstn', retail: retailRate(retail.prefix, retail.row, catalog.revision), carriers };
  }

  return {
    async authorize(input: { callId: string; caller: string; destination: string }): Promise<Authorization> {
      const caller = parseE164(input.caller);
      const destination = parseE164(input.destination);
      const now = deps.clock.now();
      const uri = await onNetUri(destination);
      if (!uri) await deps.rating.ensureCurrent();
      const route: CallRoute = uri ? { kind: 'on-net', uri } : pstnRoute(destination, now);
      const r = await deps.wallet.execute(
        caller,
        { type: 'authorize-call', data: { callId: input.callId, destination, route, at: now.toISOString(), policy: deps.policy } },
        'sip-proxy',
      );
      const call = r.state.calls.get(input.callId);
      // its authorization is on the stream already (the append was a replay), yet the call left the state: its CDR came
      if (!call && r.deduplicated) throw new DomainError('call-ended', `the call ${input.callId} has ended; a new call has a new Call-ID`);
      if (!call) throw new Error(`call ${input.callId} was not recorded`);
      const routes =
        call.route === 'on-net'
          ? [{ carrierId: null, uri: call.onNetUri! }]
          : call.carriers.flatMap((c) => c.uris.map((u) => ({ carrierId: c.carrierId, uri: u, deckVersion: c.deckVersion ?? null })));
      const retailRow = call.retail?.row;
      return {
        allow: true,
        callId: input.callId,
        route: call.route,
        maxDuration: call.grantedSeconds,
        routes,
        reservationId: `${r.state.accountId}/${input.callId}`,
        reserved: call.reserved,
        currency: r.state.currency,
        rate: retailRow
          ? {
              prefix: call.retail!.prefix,
              ratePerMinute: retailRow.rate,
              connectFee: retailRow.connectFee,
              increments: `${retailRow.initial}/${retailRow.subsequent}`,
              sheetVersion: call.retail!.sheetVersion ?? null,
            }
          : null,
        position: r.position,
      };
    },

    async extend(input: { callId: string; caller: string }) {
      const r = await deps.wallet.execute(
        parseE164(input.caller),
        { type: 'extend-call', data: { callId: input.callId, at: deps.clock.now().toISOString(), policy: deps.policy } },
        'sip-proxy',
      );
      return { callId: input.callId, maxDuration: r.state.calls.get(input.callId)?.grantedSeconds ?? 0, position: r.position };
    },

    async cdr(input: {
      callId: string;
      caller: string;
      origin: string;
      answered: boolean;
      seconds: number;
      answeredAt: string | null;
      endedAt: string;
      carrierId: string | null;
      reason: string;
      raw: Readonly<Record<string, string | number | boolean | null>>;
    }) {
      const r = await deps.wallet.execute(
        parseE164(input.caller),
        {
          type: 'end-call',
          data: {
            callId: input.callId,
            origin: input.origin,
            answered: input.answered,
            seconds: input.seconds,
            answeredAt: input.answeredAt,
            endedAt: input.endedAt,
            carrierId: input.carrierId,
            reason: input.reason,
            cdr: input.raw,
            policy: deps.policy,
          },
        },
        `sip-proxy:${input.origin}`,
      );
      const recorded = r.events.map((e) => e.type);
      if (recorded.includes('CdrUnmatched'))
        deps.logger.warn({ callId: input.callId, caller: input.caller }, 'CDR for a call never authorized: kept for review');
      const charged = r.events.find((e) => e.type === 'CallCharged');
      const cost = r.events.find((e) => e.type === 'CarrierCostRecorded');
      return {
        callId: input.callId,
        recorded,
        charged: charged ? (charged.data as { amount: string }).amount : null,
        sheetVersion: charged ? ((charged.data as { sheetVersion?: number }).sheetVersion ?? null) : null,
        deckVersion: cost ? ((cost.data as { deckVersion?: number }).deckVersion ?? null) : null,
        position: r.position,
      };
    },

    /** Records the lapse of reservations whose CDR never came (the server runs it as a job). */
    async expireReservations(numbers: readonly string[]): Promise<number> {
      let n = 0;
      const at = deps.clock.now().toISOString();
      for (const number of numbers)
        n += (await deps.wallet.execute(number, { type: 'expire-reservations', data: { at } }, 'reservation-expiry')).events.length;
      return n;
    },
  };
}

export type CallService = ReturnType<typeof callService>;
