import { Map as PersistentMap } from 'immutable';
import { Decimal } from '../money';
import { noRecentCalls, type RecentCalls } from './recent-calls';
import type { RateRow } from '../pricing/charge';

export interface CarrierRoute {
  readonly carrierId: string;
  readonly prefix: string;
  readonly currency: string;
  readonly row: RateRow;
  readonly uris: readonly string[];
  readonly deckVersion?: number;
}

/**
 * A call as its account sees it while it matters: open while it holds a reservation, expired when
 * that lapsed (a late CDR still charges it). Once charged or failed it leaves the state: the
 * account's state stays the size of its calls in progress, not of its history, and a repeated CDR
 * is recognised by its event id (`cdr-outcome`), not by the state.
 */
export interface CallRecord {
  readonly status: 'open' | 'expired' | 'closed';
  /** `emergency`: an emergency number, let through and charged nothing. */
  readonly route: 'pstn' | 'on-net' | 'emergency';
  /** E.164; for an emergency call, the short code dialed. */
  readonly destination: string;
  readonly onNetUri: string | null;
  readonly grantedSeconds: number;
  /**
   * What the call holds, the decimal string its events recorded: a Decimal parsed from it keeps
   * its digit array (grown by push) with room for 17 words, about 230 bytes that every open call
   * would carry (and every scavenge copy) for arithmetic done only when the call is extended or ends.
   */
  readonly reserved: string;
  readonly retail: { readonly prefix: string; readonly row: RateRow; readonly sheetVersion?: number } | null;
  readonly carriers: readonly CarrierRoute[];
  readonly expiresAt: string;
}

export interface CallsState {
  /** Credit held for calls in progress: no other call or charge may count on it. */
  readonly reserved: Decimal;
  /** By call id; a persistent map, so a trunk with many calls up changes one entry per event, not a copy of all. */
  readonly calls: PersistentMap<string, CallRecord>;
  /** When a refusal was last recorded: the next is recorded only a minute later. */
  readonly lastRefusalAt: string | null;
  /** Calls authorized in the last minute: what `maxCallsPerMinute` counts. */
  readonly recentCalls: RecentCalls;
}

export const initialCalls: CallsState = {
  reserved: new Decimal(0),
  calls: PersistentMap<string, CallRecord>(),
  lastRefusalAt: null,
  recentCalls: noRecentCalls,
};

/** Refusals recorded per account at most once in this many milliseconds. */
export const REFUSAL_RECORD_INTERVAL_MS = 60_000;

export function withoutCall<S extends CallsState>(s: S, callId: string): S {
  return s.calls.has(callId) ? { ...s, calls: s.calls.remove(callId) } : s;
}

/** Closes a call: gone at once when it holds nothing, else when its reservation is released. */
export function closeCall<S extends CallsState>(s: S, callId: string): S {
  const call = s.calls.get(callId);
  if (!call) return s;
  return new Decimal(call.reserved).isZero() ? withoutCall(s, callId) : withCall(s, callId, { status: 'closed' });
}

export function withCall<S extends CallsState>(s: S, callId: string, change: Partial<CallRecord>): S {
  const current = s.calls.get(callId);
  if (!current) return s;
  return { ...s, calls: s.calls.set(callId, { ...current, ...change }) };
}
