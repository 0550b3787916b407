import { Gauge, type Registry } from 'prom-client';
import type { ProjectionStatus } from '../../projections/runner';

/** `trunkline_projection_stopped{projection}`: 1 while a projection is stopped at an event it cannot apply, else 0. */
export function registerProjectionStoppedGauge(registry: Registry, projectionStatus: () => Promise<readonly ProjectionStatus[]>): void {
  new Gauge({
    name: 'trunkline_projection_stopped',
    help: 'Whether the projection is stopped at an event it cannot apply (1) or not (0)',
    labelNames: ['projection'] as const,
    registers: [registry],
    async collect() {
      for (const s of await projectionStatus()) this.set({ projection: s.name }, s.stopped ? 1 : 0);
    },
  });
}
