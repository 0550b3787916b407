import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { Clock } from '../../../core/clock';
import type { ProjectionStatus } from '../../../projections/runner';
import { openDirectory } from '../open-directory';
import { countCheckpointErrors, createMetrics, watchProjections, watchWals } from '../metrics';
import { sqliteFiles } from '../open-stores';
import { startProjectionThread, type ProjectionThread } from '../projection-thread';
import { requirePublicUrl } from '../public-url';
import { checkStorageAtStart } from '../storage-check';
import { storageHealth } from '../storage-health';
import type { CommandEngine, Engine } from '../engine-types';
import { wireCalls } from './calls';
import { wireHttp } from './http';
import { scheduleJobs, servingJobs } from './jobs';
import type { Extensions } from './plugins';
import type { RatesFollowing } from './rating';
import { wireSms } from './sms';
import { openWatchedSpentNonces, type StoreWatch } from './stores';
import { collectStartupGarbage } from '../startup-garbage';
import { checkpointErrorReporter } from '../checkpoint-errors';
import { reportCheckpointErrors } from '../../event-store/sqlite-checkpointer';

/** The metrics registry and the stores' health, made before the stores open so that they watch them. */
export function storeWatch(logger: Logger): StoreWatch {
  const metrics = createMetrics();
  return { metrics, health: storageHealth({ registry: metrics.registry, logger }) };
}

/**
 * What a serving engine adds to a command engine: signed requests' nonces, the directory, calls
 * and texts, metrics, the HTTP app, the projection thread and the jobs. This module loads
 * express, prom-client and the routers: only an engine that serves requires it.
 */
export async function servingEngine(w: {
  readonly commands: CommandEngine;
  readonly clock: Clock;
  readonly ext: Extensions;
  readonly watch: StoreWatch;
  readonly following: RatesFollowing;
}): Promise<Engine> {
  const { commands, clock, ext, following } = w;
  const { metrics, health } = w.watch;
  const { config, logger, store, readModels, runner } = commands;
  const spentNonces = await openWatchedSpentNonces(config, w.watch);
  const directory = openDirectory(config, clock, logger);
  const calls = wireCalls({ config, logger, clock, wallet: commands.wallet, rating: commands.rating, directory });
  const sms = wireSms({ config, logger, clock, store, readModels, wallet: commands.wallet, rating: commands.rating, ext });
  // with the memory store another thread would see an empty log
  const projectionMode = config.projections === 'worker' && config.store === 'memory' ? 'run' : config.projections;
  // exists while serve runs the projections in a thread of their own
  let projectionThread: ProjectionThread | null = null;
  /** The thread's own account when the projections run there (running, last error), else this runner's. */
  const projectionStatus = async (): Promise<ProjectionStatus[]> => (await projectionThread?.status()) ?? runner.status();
  watchProjections(metrics, projectionStatus);
  const sqlite = sqliteFiles(config);
  watchWals(metrics, sqlite);
  const countCheckpointError = countCheckpointErrors(metrics, sqlite);
  const { app, routerDeps } = wireHttp({
    ...{ config, logger, clock, store, readModels, spentNonces, metrics, health, directory, calls, sms, ext },
    ids: commands.ids,
    rating: commands.rating,
    accounts: commands.accounts,
    wallet: commands.wallet,
    projectionStatus,
    projectionsElsewhere: projectionMode === 'elsewhere',
    ratesAge: () => following.age(),
  });
  const followRates = async () =>
    following.start({ lookup: commands.lookup, nodes: await commands.servingNodes(), rating: commands.rating, logger });
  let server: Server | undefined;
  let stopJobs = (): void => undefined;
  let stopReportingCheckpoints = (): void => undefined;
  let shutdown: Promise<void> | null = null;
  return {
    ...commands,
    metrics,
    app,
    calls,
    sms,
    directory,
    followRates,
    async serve() {
      requirePublicUrl(config);
      stopReportingCheckpoints(); // a second serve() replaces the first's, never adds to it
      stopReportingCheckpoints = reportCheckpointErrors(checkpointErrorReporter({ logger, files: sqlite, count: countCheckpointError }));
      await checkStorageAtStart(config, logger, (role, message) => {
        logger.error({ store: role }, message);
        // read models are rebuilt from the log: their projections fail and say so themselves
        if (role !== 'read-models') health.failed(role, 'corrupt');
      });
      if (projectionMode === 'run') await runner.start();
      if (projectionMode === 'worker') projectionThread = await startProjectionThread({ config, logger, onRatesApplied: following.poke });
      await followRates();
      stopJobs = scheduleJobs(
        servingJobs({
          config,
          clock,
          readModels,
          calls,
          sms,
          expireDueGrants: () => commands.expireDueGrants(),
          ext,
          logger,
          onFraudSuspected: (rule) => metrics.fraudSuspected.inc({ rule }),
        }),
        routerDeps,
        logger,
      );
      // before the first request, so none waits for it
      collectStartupGarbage();
      server = await app.listen(config.port, config.host);
      return server;
    },
    /** Idempotent: a second call waits for the first (a PostgreSQL pool may be ended once only). */
    close() {
      shutdown ??= (async () => {
        stopJobs();
        stopReportingCheckpoints();
        health.close();
        if (server) {
          const closing = new Promise<void>((r) => server!.close(() => r()));
          server.closeIdleConnections();
          await closing;
        }
        // after the server: nothing is rated any more once this node leaves the registry
        await following.stop();
        await runner.stop();
        await projectionThread?.stop();
        await sms.close();
        await spentNonces.close();
        await commands.close();
      })();
      return shutdown;
    },
  };
}
