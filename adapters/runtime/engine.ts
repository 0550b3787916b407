import type { Logger } from 'pino';
import pino from 'pino';
import { systemClock, type Clock } from '../../core/clock';
import type { EventStore } from '../../core/event-store';
import { eventRegistry } from '../../core/events/registry';
import { uuidv7Generator, type IdGenerator } from '../../core/ids';
import type { TrunklinePlugin } from '../../application/ports/plugin-api';
import type { ReadModelStore } from '../../application/ports/read-model-store';
import { servingNodes } from '../../projections/rates/serving-nodes';
import type { Config } from './config';
import type { CommandEngine, Engine, EngineOptions, Projector } from './engine-types';
import { loggerOptions } from './log-redaction';
import { openReadModels, openServingNodesStore } from './open-stores';
import { TOKENS } from './tokens';
import { wireAccounts } from './wiring/accounts';
import { registerPlugins, type Extensions } from './wiring/plugins';
import { projectionsRunner } from './wiring/projections';
import { ratesFollowing, wireRating, type RatesFollowing } from './wiring/rating';
import { openLog, type StoreWatch } from './wiring/stores';
import { wireWallet } from './wiring/wallet';

export type { CommandEngine, Engine, EngineOptions, Projector } from './engine-types';

interface Base {
  readonly config: Config;
  readonly options: EngineOptions;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

const baseOf = (config: Config, options: EngineOptions): Base => {
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
async function failed(error: unknown, ...opened: (() => Promise<void>)[]): Promise<never> {
  for (const close of opened) await close().catch(() => undefined);
  throw error;
}

async function buildProjector(
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

async function buildCommandEngine(
  base: Base,
  watch: StoreWatch | null,
  following: RatesFollowing,
): Promise<CommandEngine & { readonly ext: Extensions }> {
  const projector = await buildProjector(base, watch, following.poke);
  const { config, logger, clock, ids } = base;
  const { store, readModels, runner, ext } = projector;
  try {
    const { lookup, rating } = wireRating({ config, logger, clock, ids, store, readModels, runner, ext, following });
    const { wallet, expireDueGrants } = wireWallet({ clock, ids, store, readModels });
    /** The serving-node registry, opened on first use (one-shot commands that change nothing never open it). */
    let registry: Promise<{ store: ReadModelStore; shared: boolean }> | null = null;
    return {
      ...projector,
      ids,
      lookup,
      rating,
      accounts: wireAccounts({ config, clock, ids, store, ext }),
      wallet,
      expireDueGrants,
      paymentProcessors: ext.processors,
      servingNodes: async () =>
        servingNodes(
          (
            await (registry ??= openServingNodesStore(config, readModels, {
              checkpointInBackground: base.options.checkpointInBackground ?? true,
            }))
          ).store,
        ),
      async close() {
        const nodes = await registry?.catch(() => null);
        if (nodes && !nodes.shared) await nodes.store.close();
        await projector.close();
      },
    };
  } catch (error) {
    return failed(error, () => projector.close());
  }
}

/**
 * The composition root: the only code that touches the container; everything it calls takes
 * its dependencies as arguments. Three engines, each the one before with more: a projector, an
 * engine for one-shot commands, and the serving engine.
 */

/** The log, the read models and the projections' runner (`trunkline projector`, the projection thread). */
export async function openProjector(config: Config, options: EngineOptions = {}): Promise<Projector> {
  return buildProjector(baseOf(config, options), null, () => undefined);
}

/** What a one-shot command needs: the projector, rating, accounts and the wallet; nothing of HTTP. */
export async function openCommandEngine(config: Config, options: EngineOptions = {}): Promise<CommandEngine> {
  return buildCommandEngine(baseOf(config, options), null, ratesFollowing());
}

/** The whole engine, HTTP app included: what `serve` runs and what tests embed. */
export async function createEngine(config: Config, options: EngineOptions = {}): Promise<Engine> {
  // express, prom-client and the routers load here, for an engine that serves, and not for a command
  const serving = require('./wiring/serving') as typeof import('./wiring/serving');
  const base = baseOf(config, options);
  const watch = serving.storeWatch(base.logger);
  // the follower runs only while serving; rating asks it whether the rates are current
  const following = ratesFollowing();
  const commands = await buildCommandEngine(base, watch, following).catch((error: unknown) =>
    failed(error, async () => watch.health.close()),
  );
  return serving.servingEngine({ commands, clock: base.clock, ext: commands.ext, watch, following }).catch((error: unknown) =>
    failed(
      error,
      async () => watch.health.close(),
      () => commands.close(),
    ),
  );
}
