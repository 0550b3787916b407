import { List } from 'immutable';

export const MINUTE_MS = 60_000;

/**
 * The instants (epoch ms) of the account's calls authorized in the last minute, oldest first: a
 * persistent list, so an authorization adds one entry and drops the stale head in O(log n)
 * instead of copying the window.
 */
export type RecentCalls = List<number>;

export const noRecentCalls: RecentCalls = List<number>();

export function withRecentCall(recent: RecentCalls, ms: number): RecentCalls {
  let r = recent;
  while (r.size > 0 && r.first()! <= ms - MINUTE_MS) r = r.shift();
  return r.push(ms);
}
