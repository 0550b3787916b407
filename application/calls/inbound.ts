import { DomainError } from '../../core/decider';
import { DirectoryUnavailableError } from '../../core/directory';
import { parseE164, type E164 } from '../../core/e164';
import type { CallServiceDeps } from './deps';
import { directorySipUri } from './routes';
import { sipTarget } from '../../core/calls/sip-target';

/**
 * The peer's certificate says who sent the call, not whose number it asserts: the directory says
 * which provider serves each number, and only that provider may assert it. A directory that cannot
 * answer refuses the call (503) rather than believe an unchecked caller.
 */
async function callerServedByPeer(deps: CallServiceDeps, caller: E164, peer: string): Promise<void> {
  let uri: string | null;
  try {
    uri = await directorySipUri(deps, caller);
  } catch (error) {
    if (error instanceof DirectoryUnavailableError)
      throw new DomainError('directory-unavailable', `the directory cannot say who serves ${caller}: try again`);
    throw error;
  }
  const home = uri ? (sipTarget(uri)?.host ?? null) : null;
  if (home !== peer.toLowerCase())
    throw new DomainError(
      'caller-not-at-peer',
      home ? `${caller} is served by ${home}, not by ${peer}` : `the directory names no provider serving ${caller}`,
    );
}

/** A peer provider's call to one of this provider's users (the proxy verified the peer). */
export function inboundCalls(deps: CallServiceDeps) {
  return {
    /**
     * Records the call on the callee's account; refuses (no-account, account-not-open) a callee that is
     * no user here, so the proxy never relays a peer's call anywhere but to its own users.
     */
    async inbound(input: { callId: string; caller: string; callee: string; peer: string }) {
      await callerServedByPeer(deps, parseE164(input.caller), input.peer);
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
