/** A store that can be tried with a small real write while it is unhealthy (see runtime/storage-health.ts). */
export interface WriteProbed {
  probeWrite(): Promise<void>;
}
