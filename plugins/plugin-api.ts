import type { Router } from 'express';
import type { ContainerModule } from 'inversify';
import type { Logger } from 'pino';
import type { EventStore } from '../core/event-store';
import type { Clock } from '../core/clock';
import type { Projection } from '../projections/projection';
import type { ReadModelStore } from '../projections/read-model-store';

/** What the engine hands a plugin while it registers. */
export interface PluginHost {
  /** The plugin's own `options` from the configuration. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Feeds a read model from the log; the runner keeps its checkpoint, rebuilds and lag. */
  addProjection(projection: Projection): void;
  /** Mounts routes once the stores are open; `build` receives them. */
  addRouter(mountPath: string, build: (deps: RouterDeps) => Router): void;
}

export interface RouterDeps {
  readonly store: EventStore;
  readonly readModels: ReadModelStore;
  readonly logger: Logger;
  readonly clock: Clock;
}

/**
 * A plugin module's export (default or module.exports): a name and a registration function,
 * an inversify ContainerModule for the composition root to load, or both.
 */
export interface TrunklinePlugin {
  readonly name: string;
  register?(host: PluginHost): void | Promise<void>;
  readonly containerModule?: ContainerModule;
}

export function definePlugin(plugin: TrunklinePlugin): TrunklinePlugin {
  return plugin;
}
