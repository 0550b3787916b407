import { DomainError } from '../decider';
import { deriveId } from '../ids';
import type { AccountStreamEvent } from '../wallet/events';
import type { WalletState } from '../wallet/state';
import type { CallCommand } from './commands';

/**
 * An emergency call holds no credit; if its CDR never comes it leaves the open calls after this
 * long (Kamailio's dialog timeout default: the longest a proxy keeps a call without a grant).
 */
export const EMERGENCY_CALL_HOLD_SECONDS = 12 * 3600;

/**
 * An emergency call goes through whatever the account owes, holds or is limited to — a
 * provider's duty — for any account that exists and is not closed: suspended and in-debt
 * accounts included. It is charged nothing (its CDR charges 0 on the `emergency` route).
 */
export function onAuthorizeEmergencyCall(
  c: Extract<CallCommand, { readonly type: 'authorize-emergency-call' }>,
  s: WalletState,
): AccountStreamEvent[] {
  if (s.status === 'none') throw new DomainError('no-account', 'there is no such account');
  if (s.status === 'closed') throw new DomainError('account-not-open', 'the account is closed');
  if (s.calls.has(c.data.callId)) return [];
  return [
    {
      type: 'EmergencyCallAuthorized',
      id: deriveId('emergency-call', s.accountId, c.data.callId),
      data: {
        accountId: s.accountId,
        callId: c.data.callId,
        dialed: c.data.dialed,
        country: c.data.country,
        accountStatus: s.status,
        currency: s.currency,
        carriers: c.data.carriers,
        at: c.data.at,
        expiresAt: new Date(Date.parse(c.data.at) + EMERGENCY_CALL_HOLD_SECONDS * 1000).toISOString(),
      },
    },
  ];
}
