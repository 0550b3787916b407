import { Decimal } from '../money';
import type { RateRow } from './pricing';

export interface CarrierRoute {
  readonly carrierId: string;
  readonly prefix: string;
  readonly currency: string;
  readonly row: RateRow;
  readonly uris: readonly string[];
}

/** A call as its account sees it: open while it holds a reservation, closed once charged or failed. */
export interface CallRecord {
  readonly status: 'open' | 'expired' | 'closed';
  readonly route: 'pstn' | 'on-net';
  readonly destination: string;
  readonly onNetUri: string | null;
  readonly grantedSeconds: number;
  readonly reserved: Decimal;
  readonly retail: { readonly prefix: string; readonly row: RateRow } | null;
  readonly carriers: readonly CarrierRoute[];
  readonly expiresAt: string;
}

export interface CallsState {
  /** Credit held for calls in progress: no other call or charge may count on it. */
  readonly reserved: Decimal;
  readonly calls: Readonly<Record<string, CallRecord>>;
}

export const initialCalls: CallsState = { reserved: new Decimal(0), calls: {} };

export function withCall<S extends CallsState>(s: S, callId: string, change: Partial<CallRecord>, reservedChange = new Decimal(0)): S {
  const current = s.calls[callId];
  if (!current) return s;
  return { ...s, reserved: s.reserved.plus(reservedChange), calls: { ...s.calls, [callId]: { ...current, ...change } } };
}
