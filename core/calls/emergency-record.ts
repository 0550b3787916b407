import type { CarrierRouteData } from './events';
import type { CallRecord } from './state';

/** An emergency call as its account holds it: open like any call, so its CDR closes it; it holds nothing and counts toward no limit. */
export function emergencyCallRecord(d: {
  readonly dialed: string;
  readonly carriers: readonly CarrierRouteData[];
  readonly expiresAt: string;
}): CallRecord {
  return {
    status: 'open',
    route: 'emergency',
    destination: d.dialed,
    onNetUri: null,
    grantedSeconds: 0,
    reserved: '0',
    retail: null,
    carriers: d.carriers,
    expiresAt: d.expiresAt,
  };
}
