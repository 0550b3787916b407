import { DomainError } from '../decider';
import type { CallRecord } from './state';
import { MINUTE_MS, type RecentCalls } from './recent-calls';

/** An account's call limits; null: none (for an override: the provider's default). */
export interface CallLimits {
  readonly maxConcurrentCalls: number | null;
  readonly maxCallsPerMinute: number | null;
}

/** Calls authorized in the minute before `ms` (calls from two nodes may be recorded slightly out of order: each is counted). */
export function callsInMinuteBefore(recent: RecentCalls, ms: number): number {
  let n = 0;
  for (const t of recent) if (t > ms - MINUTE_MS) n++;
  return n;
}

/** Paid or on-net calls up at `ms`: authorized, not ended, and their grant (and the wait for its CDR) not lapsed. */
function callsUp(calls: Iterable<CallRecord>, ms: number, stopAt: number): number {
  let n = 0;
  for (const call of calls) {
    // an emergency call takes no slot: calling back whoever rang is never refused for it
    if (call.status === 'open' && call.route !== 'emergency' && Date.parse(call.expiresAt) > ms) n++;
    if (n >= stopAt) break;
  }
  return n;
}

/**
 * Refuses a new call over the account's limits (its own, else the provider's): as many calls up
 * as allowed already, or as many authorized in the last minute. Decided on the account's stream,
 * so it holds across every engine appending to it.
 */
export function checkCallLimits(
  limits: CallLimits,
  state: { readonly calls: Iterable<[string, CallRecord]> & { values(): Iterable<CallRecord> }; readonly recentCalls: RecentCalls },
  at: string,
): void {
  const ms = Date.parse(at);
  const { maxConcurrentCalls: concurrent, maxCallsPerMinute: perMinute } = limits;
  if (concurrent !== null && callsUp(state.calls.values(), ms, concurrent) >= concurrent)
    throw new DomainError('concurrent-call-limit', `at most ${concurrent} calls at once on this account`, {
      maxConcurrentCalls: concurrent,
    });
  if (perMinute !== null && callsInMinuteBefore(state.recentCalls, ms) >= perMinute) {
    const oldest = state.recentCalls.find((t) => t > ms - MINUTE_MS) ?? ms;
    throw new DomainError('call-rate-limit', `at most ${perMinute} new calls a minute on this account`, {
      maxCallsPerMinute: perMinute,
      retryAfterSeconds: Math.max(1, Math.ceil((oldest + MINUTE_MS - ms) / 1000)),
    });
  }
}

/** The limits that apply: the account's override where it sets one, else the provider's. */
export const effectiveLimits = (defaults: CallLimits, override: Partial<CallLimits> | null): CallLimits => ({
  maxConcurrentCalls: override?.maxConcurrentCalls ?? defaults.maxConcurrentCalls,
  maxCallsPerMinute: override?.maxCallsPerMinute ?? defaults.maxCallsPerMinute,
});
