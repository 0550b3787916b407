import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ProjectionStatus } from '../../projections/runner';
import { walBytes } from '../event-store/wal-size';
import { registerProjectionStoppedGauge } from './projection-metrics';

export interface Metrics {
  readonly registry: Registry;
  readonly appendSeconds: Histogram<'backend' | 'outcome'>;
  readonly httpSeconds: Histogram<'method' | 'route' | 'status'>;
  /** Configuration keys edited in the file since start that wait for a restart. */
  readonly configRestartPending: Gauge;
  /** Suspicions of fraud the velocity rules raised on this engine, by rule. */
  readonly fraudSuspected: Counter<'rule'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const appendSeconds = new Histogram({
    name: 'trunkline_event_append_seconds',
    help: 'Time to append one batch to the event store',
    labelNames: ['backend', 'outcome'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const httpSeconds = new Histogram({
    name: 'trunkline_http_request_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route', 'status'] as const,
    // fine below 10 ms: the SIP hooks' budget is a few milliseconds
    buckets: [0.0005, 0.001, 0.002, 0.003, 0.004, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const configRestartPending = new Gauge({
    name: 'trunkline_config_restart_pending',
    help: 'Configuration keys changed in the file since start that take effect only at a restart',
    registers: [registry],
  });
  const fraudSuspected = new Counter({
    name: 'trunkline_fraud_suspected_total',
    help: 'Suspicions of fraud recorded by this engine, by velocity rule (paid services held until cleared)',
    labelNames: ['rule'] as const,
    registers: [registry],
  });
  return { registry, appendSeconds, httpSeconds, configRestartPending, fraudSuspected };
}

/**
 * The projections' lag and stops, as whoever runs them reports (this thread's runner or the
 * projection thread's), collected at each scrape.
 */
export function watchProjections(metrics: Metrics, projectionStatus: () => Promise<readonly ProjectionStatus[]>): void {
  new Gauge({
    name: 'trunkline_projection_lag_positions',
    help: 'Log positions between the head and the projection checkpoint',
    labelNames: ['projection'] as const,
    registers: [metrics.registry],
    async collect() {
      for (const s of await projectionStatus()) this.set({ projection: s.name }, s.lag);
    },
  });
  registerProjectionStoppedGauge(metrics.registry, projectionStatus);
}

/**
 * The size of each SQLite file's WAL, read at each scrape. The checkpoints keep it below 64 MiB
 * and what a second's writes add; one that keeps growing has a reader holding its snapshot
 * (docs/architecture.md, "Checkpoints off the serving thread").
 */
export function watchWals(metrics: Metrics, files: readonly { readonly role: string; readonly path: string }[]): void {
  new Gauge({
    name: 'trunkline_sqlite_wal_bytes',
    help: "Size of each SQLite file's write-ahead log; one that keeps growing has a reader holding it",
    labelNames: ['file'] as const,
    registers: [metrics.registry],
    collect() {
      for (const f of files) this.set({ file: f.role }, walBytes(f.path));
    },
  });
}

/**
 * `trunkline_sqlite_checkpoint_errors_total{file}`: checkpoints of each file that failed. Every
 * file has its series from the start, so the first failure is an increase an alert sees.
 */
export function countCheckpointErrors(metrics: Metrics, files: readonly { readonly role: string }[]): (file: string) => void {
  const failures = new Counter({
    name: 'trunkline_sqlite_checkpoint_errors_total',
    help: "Checkpoints of a SQLite file that failed; while they do, the file's WAL keeps growing",
    labelNames: ['file'] as const,
    registers: [metrics.registry],
  });
  for (const f of files) failures.inc({ file: f.role }, 0);
  return (file) => failures.inc({ file });
}
