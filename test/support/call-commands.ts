import type { CallCommand, CallPolicy, CallRoute } from '../../core/calls/commands';

/**
 * Call commands on a fixed clock (seconds after T0), for deciders and engines alike: a PSTN
 * route on one retail row, authorized with a grant and ended by a CDR.
 */
export function callCommands(options: {
  readonly route: CallRoute;
  readonly policy: CallPolicy;
  readonly origin?: string;
  readonly destination?: string;
  readonly t0?: string;
}) {
  const T0 = Date.parse(options.t0 ?? '2026-12-01T10:00:00.000Z');
  const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
  return {
    at,
    authorize: (callId: string, seconds: number, grantSeconds = options.policy.grantSeconds): CallCommand => ({
      type: 'authorize-call',
      data: {
        callId,
        destination: options.destination ?? '+442079460000',
        route: options.route,
        at: at(seconds),
        policy: { ...options.policy, grantSeconds },
      },
    }),
    /** A CDR: answered, `lasted` seconds long, ending `endedAt` seconds after T0. */
    end: (callId: string, lasted: number, endedAt: number): CallCommand => ({
      type: 'end-call',
      data: {
        callId,
        origin: options.origin ?? 'kamailio-1',
        answered: true,
        seconds: lasted,
        answeredAt: at(endedAt - lasted),
        endedAt: at(endedAt),
        carrierId: null,
        reason: 'BYE',
        cdr: {},
        policy: options.policy,
      },
    }),
  };
}
