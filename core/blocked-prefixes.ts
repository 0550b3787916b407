import { DomainError } from './decider';
import { digitsOf, type E164 } from './e164';

/**
 * Refuses a destination under one of the operator's blocked digit prefixes (premium rate, known
 * fraud ranges): calls and texts alike, before anything is reserved or charged.
 */
export function refuseBlocked(destination: E164, blockedPrefixes: readonly string[], service: 'calls' | 'texts'): void {
  const digits = digitsOf(destination);
  if (blockedPrefixes.some((p) => digits.startsWith(p)))
    throw new DomainError('blocked-destination', `${service} to ${destination} are blocked`);
}
