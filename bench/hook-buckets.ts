import type { Metrics } from '../adapters/runtime/metrics';

export type Buckets = Map<number, number>;

/** The cumulative bucket counts of the engine's latency histogram for one hook route. */
export async function hookBuckets(metrics: Metrics, path: string): Promise<Buckets> {
  const counts: Buckets = new Map();
  for (const v of (await metrics.httpSeconds.get()).values) {
    if (v.metricName !== 'trunkline_http_request_seconds_bucket' || v.labels['route'] !== path) continue;
    // prom-client adds the bucket's bound as a label the histogram's own label type does not name
    const bound = (v.labels as Record<string, string | number | undefined>)['le'];
    const le = bound === '+Inf' ? Infinity : Number(bound);
    counts.set(le, (counts.get(le) ?? 0) + v.value);
  }
  return counts;
}

/** The bucket bound (ms) under which `q` of the requests between two readings finished: a bound, not a sample. */
export function boundMs(before: Buckets, after: Buckets, q: number): string {
  const les = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  if (total === 0) return '–';
  const le = les.find((l) => (after.get(l) ?? 0) - (before.get(l) ?? 0) >= q * total) ?? Infinity;
  return le === Infinity ? '> 2500' : `≤ ${le * 1000}`;
}
