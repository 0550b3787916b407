import { DomainError } from '../../core/decider';
import { countryOf, parseE164, type E164 } from '../../core/e164';
import { emergencyNumberOf } from '../../core/calls/emergency-numbers';
import type { CallRoute } from '../../core/calls/commands';
import type { CallServiceDeps } from './deps';
import { onNetUri, pstnRoute } from './routes';
import { emergencyRoutes } from './emergency';

const SHORT_CODE = /^\d{2,6}$/;

export interface Authorization {
  readonly allow: true;
  readonly callId: string;
  readonly route: 'pstn' | 'on-net' | 'emergency';
  /** An emergency number: let through whatever the account holds, charged nothing, never cut. */
  readonly emergency?: true;
  /** Seconds the proxy lets the call last (the grant); null: no limit (an emergency call). */
  readonly maxDuration: number | null;
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

/** A call starting: routed, then authorized on the caller's account with a grant and a reservation. */
export function callAuthorization(deps: CallServiceDeps) {
  return {
    async authorize(input: { callId: string; caller: string; destination: string }): Promise<Authorization> {
      const caller = parseE164(input.caller);
      const now = deps.clock.now();
      // a short code only: the caller's country is a numbering-plan lookup no E.164 callee needs
      const emergency =
        deps.emergencyNumbers && SHORT_CODE.test(input.destination)
          ? emergencyNumberOf(countryOf(caller), input.destination, deps.emergencyNumbers)
          : null;
      if (emergency) return authorizeEmergency(deps, { callId: input.callId, caller, dialed: emergency, now });
      const destination = parseE164(input.destination);
      const uri = await onNetUri(deps, destination);
      if (!uri) await deps.rating.ensureCurrent();
      const route: CallRoute = uri ? { kind: 'on-net', uri } : pstnRoute(deps, destination, now);
      const r = await deps.wallet
        .execute(
          caller,
          { type: 'authorize-call', data: { callId: input.callId, destination, route, at: now.toISOString(), policy: deps.policy } },
          'sip-proxy',
        )
        .catch(async (error: unknown) => {
          if (error instanceof DomainError && error.code === 'insufficient-credit')
            await recordRefusal(deps, caller, input.callId, destination, now);
          throw error;
        });
      const call = r.state.calls.get(input.callId);
      // its authorization is on the stream already (the append was a replay), yet the call left the state: its CDR came
      if (!call && r.deduplicated) throw new DomainError('call-ended', `the call ${input.callId} has ended; a new call has a new Call-ID`);
      if (!call) throw new Error(`call ${input.callId} was not recorded`);
      // the Call-ID of an emergency call up is not a paid call's: never answer it as the emergency route
      if (call.route === 'emergency') throw new DomainError('call-id-taken', `the call ${input.callId} is an emergency call`);
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

    /** A long call: a larger grant and reservation, as far as the balance allows. */
    async extend(input: { callId: string; caller: string }) {
      const r = await deps.wallet.execute(
        parseE164(input.caller),
        { type: 'extend-call', data: { callId: input.callId, at: deps.clock.now().toISOString(), policy: deps.policy } },
        'sip-proxy',
      );
      return { callId: input.callId, maxDuration: r.state.calls.get(input.callId)?.grantedSeconds ?? 0, position: r.position };
    },
  };
}

/** An emergency call: recorded on the account's stream and routed to the emergency carriers. */
async function authorizeEmergency(
  deps: CallServiceDeps,
  input: { callId: string; caller: E164; dialed: string; now: Date },
): Promise<Authorization> {
  await deps.rating.ensureCurrent();
  const country = countryOf(input.caller);
  const carriers = emergencyRoutes(deps, input.caller, input.dialed, input.now);
  if (carriers.length === 0) {
    // the provider's duty and the caller's life: loud, not a quiet 404
    deps.logger.error({ caller: input.caller, dialed: input.dialed, country }, 'emergency call with no carrier to take it');
    throw new DomainError('no-route', `no carrier takes emergency calls for ${country}: set emergencyCarrier`);
  }
  const r = await deps.wallet.execute(
    input.caller,
    {
      type: 'authorize-emergency-call',
      data: { callId: input.callId, dialed: input.dialed, country, carriers, at: input.now.toISOString() },
    },
    'sip-proxy',
  );
  const call = r.state.calls.get(input.callId);
  if (!call && r.deduplicated) throw new DomainError('call-ended', `the call ${input.callId} has ended; a new call has a new Call-ID`);
  if (!call || call.route !== 'emergency') throw new DomainError('call-id-taken', `the call ${input.callId} is not an emergency call`);
  deps.logger.warn({ caller: input.caller, dialed: input.dialed, country, callId: input.callId }, 'emergency call authorized');
  return {
    allow: true,
    emergency: true,
    callId: input.callId,
    route: 'emergency',
    maxDuration: null,
    routes: call.carriers.flatMap((c) => c.uris.map((u) => ({ carrierId: c.carrierId, uri: u, deckVersion: c.deckVersion ?? null }))),
    reservationId: `${r.state.accountId}/${input.callId}`,
    reserved: '0',
    currency: r.state.currency,
    rate: null,
    position: r.position,
  };
}

/**
 * Tells the log a call was refused for want of credit, so the provider's systems hear of it; the
 * decider records one a minute per account at most. Best effort: the refusal stands either way.
 */
async function recordRefusal(deps: CallServiceDeps, caller: string, callId: string, destination: string, now: Date): Promise<void> {
  await deps.wallet
    .execute(
      caller,
      { type: 'record-refusal', data: { callId, destination, reason: 'insufficient-credit', at: now.toISOString() } },
      'sip-proxy',
    )
    .catch(() => undefined);
}
