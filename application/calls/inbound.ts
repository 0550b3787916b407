import { parseE164 } from '../../core/e164';
import type { CallServiceDeps } from './deps';

/** A peer provider's call to one of this provider's users (the proxy verified the peer). */
export function inboundCalls(deps: CallServiceDeps) {
  return {
    /**
     * Records the call on the callee's account; refuses (no-account, account-not-open) a callee that is
     * no user here, so the proxy never relays a peer's call anywhere but to its own users.
     */
    async inbound(input: { callId: string; caller: string; callee: string; peer: string }) {
      const r = await deps.wallet.execute(
        parseE164(input.callee),
        {
          type: 'receive-inbound-call',
          data: { callId: input.callId, caller: input.caller, peer: input.peer, at: deps.clock.now().toISOString() },
        },
        'sip-proxy',
      );
      return { allow: true, callId: input.callId, callee: input.callee, route: 'on-net-inbound', position: r.position };
    },
  };
}
