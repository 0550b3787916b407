import { DomainError } from '../decider';
import { deriveId } from '../ids';
import type { AccountStreamEvent } from '../wallet/events';
import type { WalletState } from '../wallet/state';
import type { CallCommand } from './commands';

/**
 * A peer provider's call to one of this provider's users: let through for any account that is
 * not closed (receiving costs nothing, so neither credit nor suspension stops it), recorded once
 * per call id (the id derives from it, so the proxy asking twice records one event).
 */
export function onReceiveInboundCall(
  c: Extract<CallCommand, { readonly type: 'receive-inbound-call' }>,
  s: WalletState,
): AccountStreamEvent[] {
  if (s.status === 'none') throw new DomainError('no-account', 'there is no such account');
  if (s.status === 'closed') throw new DomainError('account-not-open', 'the account is closed');
  return [
    {
      type: 'PeerCallReceived',
      id: deriveId('inbound-call', s.accountId, c.data.callId),
      data: {
        accountId: s.accountId,
        callId: c.data.callId,
        caller: c.data.caller,
        peer: c.data.peer,
        currency: s.currency,
        at: c.data.at,
      },
    },
  ];
}
