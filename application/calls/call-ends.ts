import { parseE164 } from '../../core/e164';
import type { CallServiceDeps } from './deps';

/** A call ending: charged on its CDR, or its reservation lapsing when no CDR came. */
export function callEnds(deps: CallServiceDeps) {
  return {
    async cdr(input: {
      callId: string;
      caller: string;
      origin: string;
      answered: boolean;
      seconds: number;
      answeredAt: string | null;
      endedAt: string;
      carrierId: string | null;
      /** Seconds from the INVITE to its first ringing or progress (or answer), when the proxy measured it. */
      pddSeconds?: number | null;
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
            ...(input.pddSeconds != null ? { pddSeconds: input.pddSeconds } : {}),
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
