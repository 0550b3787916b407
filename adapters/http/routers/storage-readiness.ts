/** A store that fails for a storage fault, as storage-health.ts reports it. */
export interface StorageFaultReport {
  readonly store: string;
  readonly fault: string;
}

/**
 * The storage part of /readyz: `ok`, or each failing store with the kind of its fault
 * (`events: full`). Never the driver's text: that is logged where the fault happened.
 */
export function storageReadiness(faults: readonly StorageFaultReport[]): { readonly check: string; readonly failing: readonly string[] } {
  return {
    check: faults.length ? faults.map((f) => `${f.store}: ${f.fault}`).join(', ') : 'ok',
    failing: faults.map((f) => f.store),
  };
}
