import { callAuthorization } from './authorize';
import { callEnds } from './call-ends';
import type { CallServiceDeps } from './deps';
import { inboundCalls } from './inbound';

export type { CallServiceDeps } from './deps';
export type { Authorization } from './authorize';

/** Real-time authorization and CDR charging: finds the route, then runs the call commands on the caller's account. */
export function callService(deps: CallServiceDeps) {
  return {
    ...callAuthorization(deps),
    ...callEnds(deps),
    ...inboundCalls(deps),
  };
}

export type CallService = ReturnType<typeof callService>;
