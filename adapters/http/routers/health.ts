import { Router } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { EventStore } from '../../../core/event-store';
import type { ReadModelStore } from '../../../application/ports/read-model-store';
import type { ProjectionStatus } from '../../../projections/runner';
import { problem, sendProblem } from '../problem';
import { storageReadiness, type StorageFaultReport } from './storage-readiness';
import { stoppedProjections } from './projection-readiness';
import { STALE_MS } from '../../../projections/rates/serving-nodes';

export interface HealthDeps {
  /** Where a failed check's error goes: the public answer names the check only. */
  readonly logger: Logger;
  readonly store: EventStore;
  readonly readModels: ReadModelStore;
  readonly projections: () => Promise<readonly ProjectionStatus[]>;
  readonly registry: Registry;
  readonly maxLag: number;
  /** Projections run in another process: judge them by their lag alone. */
  readonly projectionsElsewhere?: boolean;
  /** Stores whose writes fail now (full, I/O, corrupt, unreachable). */
  readonly storageFaults?: () => readonly StorageFaultReport[];
  /** Milliseconds since a serving engine's rates were last known current; null when it does not follow them. */
  readonly ratesAge?: () => number | null;
}

/**
 * Liveness, readiness (stores reachable, projections caught up) and Prometheus metrics, all
 * unauthenticated: readiness says which check failed, never the error (that is logged).
 */
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
    } catch (err) {
      deps.logger.warn({ err }, 'readiness: the event store is unreachable');
      checks['eventStore'] = 'unreachable';
    }
    try {
      await deps.readModels.ping();
      projections = await deps.projections();
      checks['readModels'] = 'ok';
    } catch (err) {
      deps.logger.warn({ err }, 'readiness: the read models are unreachable');
      checks['readModels'] = 'unreachable';
    }
    const storage = storageReadiness(deps.storageFaults?.() ?? []);
    checks['storage'] = storage.check;
    const ratesAge = deps.ratesAge?.() ?? null;
    // stale rates refuse every authorization: out of the balancer until it reads the catalog again
    if (ratesAge !== null) checks['rates'] = ratesAge <= STALE_MS ? 'ok' : 'not current';
    const behind = projections.filter((p) => (!deps.projectionsElsewhere && !p.caughtUp) || p.lag > deps.maxLag || p.lastError);
    const stopped = stoppedProjections(projections);
    const ok = Object.values(checks).every((c) => c.startsWith('ok')) && behind.length === 0;
    const body = {
      checks,
      // the runner logs each projection error as it happens; here only whether one is failing, and where one stopped
      projections: projections.map((p) => ({
        name: p.name,
        lag: p.lag,
        caughtUp: p.caughtUp,
        failing: p.lastError !== null,
        stoppedAt: p.stopped ? { position: p.stopped.position, eventId: p.stopped.eventId, type: p.stopped.type } : null,
      })),
    };
    if (ok) return void res.json({ status: 'ready', ...body });
    sendProblem(
      res,
      problem(
        'not-ready',
        503,
        'Service Unavailable',
        // a store that cannot write is why projections stop too: name it first
        storage.failing.length
          ? `storage failing: ${storage.failing.join(', ')}`
          : stopped.length
            ? stopped.join('; ')
            : checks['rates'] === 'not current'
              ? 'rates not current'
              : behind.length
                ? `projections behind: ${behind.map((p) => p.name).join(', ')}`
                : 'a store is unreachable',
        body,
      ).problem,
    );
  });
  router.get('/metrics', async (_req, res) => {
    res.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
  return router;
}
