import { Router } from 'express';
import type { Registry } from 'prom-client';
import type { EventStore } from '../../../core/event-store';
import type { ReadModelStore } from '../../../projections/read-model-store';
import type { ProjectionStatus } from '../../../projections/runner';
import { problem, sendProblem } from '../problem';

export interface HealthDeps {
  readonly store: EventStore;
  readonly readModels: ReadModelStore;
  readonly projections: () => Promise<readonly ProjectionStatus[]>;
  readonly registry: Registry;
  readonly maxLag: number;
  /** Projections run in another process: judge them by their lag alone. */
  readonly projectionsElsewhere?: boolean;
}

/** Liveness, readiness (stores reachable, projections caught up) and Prometheus metrics. */
export function healthRouter(deps: HealthDeps): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks: Record<string, string> = {};
    let projections: readonly ProjectionStatus[] = [];
    try {
      checks['eventStore'] = `ok (head ${await deps.store.head()})`;
    } catch (error) {
      checks['eventStore'] = `unreachable: ${(error as Error).message}`;
    }
    try {
      await deps.readModels.ping();
      projections = await deps.projections();
      checks['readModels'] = 'ok';
    } catch (error) {
      checks['readModels'] = `unreachable: ${(error as Error).message}`;
    }
    const behind = projections.filter((p) => (!deps.projectionsElsewhere && !p.caughtUp) || p.lag > deps.maxLag || p.lastError);
    const ok = Object.values(checks).every((c) => c.startsWith('ok')) && behind.length === 0;
    const body = {
      checks,
      projections: projections.map((p) => ({ name: p.name, lag: p.lag, caughtUp: p.caughtUp, lastError: p.lastError })),
    };
    if (ok) return void res.json({ status: 'ready', ...body });
    sendProblem(
      res,
      problem(
        'not-ready',
        503,
        'Service Unavailable',
        behind.length ? `projections behind: ${behind.map((p) => p.name).join(', ')}` : 'a store is unreachable',
        body,
      ).problem,
    );
  });
  router.get('/metrics', async (_req, res) => {
    res.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
  return router;
}
