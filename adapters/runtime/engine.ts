import type { ReadModelStore } from '../../application/ports/read-model-store';
import { servingNodes } from '../../projections/rates/serving-nodes';
import type { Config } from './config';
import type { CommandEngine, Engine, EngineOptions } from './engine-types';
import { openServingNodesStore } from './open-stores';
import { baseOf, buildProjector, failed, type Base } from './projector';
import { wireAccounts } from './wiring/accounts';
import type { Extensions } from './wiring/plugins';
import { ratesFollowing, wireRating, type RatesFollowing } from './wiring/rating';
import type { StoreWatch } from './wiring/stores';
import { wireWallet } from './wiring/wallet';
import { workersGrowTheirYoungGeneration } from './worker-young-generation';

export type { CommandEngine, Engine, EngineOptions, Projector } from './engine-types';
export { openProjector } from './projector';

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
 * The composition root, with projector.ts (which owns the plugins' container): everything it
 * calls takes its dependencies as arguments. Three engines, each the one before with more: a
 * projector, an engine for one-shot commands, and the serving engine.
 */

/** What a one-shot command needs: the projector, rating, accounts and the wallet; nothing of HTTP. */
export async function openCommandEngine(config: Config, options: EngineOptions = {}): Promise<CommandEngine> {
  return buildCommandEngine(baseOf(config, options), null, ratesFollowing());
}

/** The whole engine, HTTP app included: what `serve` runs and what tests embed. */
export async function createEngine(config: Config, options: EngineOptions = {}): Promise<Engine> {
  // express, prom-client and the routers load here, for an engine that serves, and not for a command
  const serving = require('./wiring/serving') as typeof import('./wiring/serving');
  // before the stores open: their checkpoint worker is the first thread a serving engine starts
  workersGrowTheirYoungGeneration();
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
