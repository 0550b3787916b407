import type { Logger } from 'pino';
import pino from 'pino';
import { systemClock, type Clock } from '../../core/clock';
import type { EventStore } from '../../core/event-store';
import { eventRegistry } from '../../core/events/registry';
import { uuidv7Generator, type IdGenerator } from '../../core/ids';
import type { TrunklinePlugin } from '../../application/ports/plugin-api';
import type { ReadModelStore } from '../../application/ports/read-model-store';
import type { Config } from './config';
import type { EngineOptions, Projector } from './engine-types';
import { loggerOptions } from './log-redaction';
import { openReadModels } from './open-stores';
import { TOKENS } from './tokens';
import { registerPlugins, type Extensions } from './wiring/plugins';
import { projectionsRunner } from './wiring/projections';
import { openLog, type StoreWatch } from './wiring/stores';

/**
 * The projector: the log, the read models and the runner of every registered projection, and
 * nothing a request or a command needs (rating, accounts, the wallet). The projection thread
 * loads this file and not engine.ts: every module a thread loads costs it memory of its own.
 */
export interface Base {
  readonly config: Config;
  readonly options: EngineOptions;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

export const baseOf = (config: Config, options: EngineOptions): Base => {
  const clock = options.clock ?? systemClock;
  return { config, options, logger: options.logger ?? pino(loggerOptions(config.logLevel)), clock, ids: uuidv7Generator(clock) };
};

/**
 * The inversify container plugins' ContainerModules are loaded into, with the engine's pieces
 * that exist when plugins register. No plugin of the engine brings one, so inversify loads
 * only for a plugin that does.
 */
function pluginContainer(base: Base, store: EventStore, readModels: ReadModelStore): (plugin: TrunklinePlugin) => Promise<void> {
  let container: import('inversify').Container | null = null;
  return async (plugin) => {
    if (!container) {
      require('reflect-metadata');
      const { Container } = require('inversify') as typeof import('inversify');
      container = new Container();
      container.bind(TOKENS.Config).toConstantValue(base.config);
      container.bind(TOKENS.Logger).toConstantValue(base.logger);
      container.bind(TOKENS.Clock).toConstantValue(base.clock);
      container.bind(TOKENS.Ids).toConstantValue(base.ids);
      container.bind(TOKENS.EventStore).toConstantValue(store);
      container.bind(TOKENS.ReadModels).toConstantValue(readModels);
    }
    if (plugin.containerModule) await container.load(plugin.containerModule);
  };
}

/** Closes what was opened before a later step failed, and rethrows. */
export async function failed(error: unknown, ...opened: (() => Promise<void>)[]): Promise<never> {
  for (const close of opened) await close().catch(() => undefined);
  throw error;
}

export async function buildProjector(
  base: Base,
  watch: StoreWatch | null,
  onRatesApplied: () => void,
): Promise<Projector & { readonly ext: Extensions }> {
  const { config, options, logger, clock } = base;
  /** The event types this engine may append: its own, and its plugins' (added while they register). */
  const events = eventRegistry();
  const use = { checkpointInBackground: options.checkpointInBackground ?? true };
  const store = await openLog(config, clock, events, options.onSqliteOpen, watch, use);
  const readModels = await openReadModels(config, use).catch((error: unknown) => failed(error, () => store.close()));
  try {
    const ext = await registerPlugins({ config, logger, clock, events, loadContainerModule: pluginContainer(base, store, readModels) });
    const runner = projectionsRunner({
      store,
      readModels,
      projections: ext.projections,
      clock,
      logger,
      onBatch: (projection, applied) => {
        options.onProjectionBatch?.(projection, applied);
        // a batch of calls alone, the common case under load, moves the rates' checkpoint and nothing they show
        if (projection === 'rates' && applied > 0) onRatesApplied();
      },
    });
    return {
      config,
      logger,
      store,
      readModels,
      runner,
      ext,
      plugins: ext.plugins,
      async close() {
        await runner.stop();
        await readModels.close();
        await store.close();
      },
    };
  } catch (error) {
    return failed(
      error,
      () => readModels.close(),
      () => store.close(),
    );
  }
}

/** The log, the read models and the projections' runner (`trunkline projector`, the projection thread). */
export async function openProjector(config: Config, options: EngineOptions = {}): Promise<Projector> {
  return buildProjector(baseOf(config, options), null, () => undefined);
}
