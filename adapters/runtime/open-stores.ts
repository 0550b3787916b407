import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { Clock } from '../../core/clock';
import type { EventStore } from '../../core/event-store';
import type { ReadModelStore } from '../../application/ports/read-model-store';
import { memoryEventStore } from '../event-store/memory';
import { sqliteEventStore } from '../event-store/sqlite';
import type { WriteProbed } from '../event-store/write-probed';
import { validatingEventStore } from '../event-store/validating';
import { eventRegistry, type EventRegistry } from '../../core/events/registry';
import { sqliteReadModelStore } from '../read-models/sqlite';
import { memorySpentNonces } from '../spent-nonces/memory';
import type { SpentNonces } from '../../application/ports/spent-nonces';
import { sqliteSpentNonces } from '../spent-nonces/sqlite';
import type { Config } from './config';

// The drivers of the stores a configuration does not name load only when named: the client
// libraries of PostgreSQL and EventStoreDB cost every command's start otherwise.
const postgresEventStore: typeof import('../event-store/postgres').postgresEventStore = (...args) =>
  (require('../event-store/postgres') as typeof import('../event-store/postgres')).postgresEventStore(...args);
const eventStoreDbEventStore: typeof import('../event-store/eventstoredb').eventStoreDbEventStore = (...args) =>
  (require('../event-store/eventstoredb') as typeof import('../event-store/eventstoredb')).eventStoreDbEventStore(...args);
const postgresReadModelStore: typeof import('../read-models/postgres').postgresReadModelStore = (...args) =>
  (require('../read-models/postgres') as typeof import('../read-models/postgres')).postgresReadModelStore(...args);
const postgresSpentNonces: typeof import('../spent-nonces/postgres').postgresSpentNonces = (...args) =>
  (require('../spent-nonces/postgres') as typeof import('../spent-nonces/postgres')).postgresSpentNonces(...args);

export const eventsFile = (config: Config) => join(config.dataDir, 'events.sqlite');
export const readModelsFile = (config: Config) => join(config.dataDir, 'read-models.sqlite');
export const spentNoncesFile = (config: Config) => join(config.dataDir, 'spent-nonces.sqlite');
export const servingNodesFile = (config: Config) => join(config.dataDir, 'serving-nodes.sqlite');

/**
 * Where serving engines confirm their rates revision (projections/rates/serving-nodes.ts): in
 * PostgreSQL when the log or the read models are there (nodes share it); else a small SQLite file of its own, because a
 * write to the read-model file waits, synchronously, for the projection thread's transaction.
 * `shared`: the store is the read models themselves (closed with them, not here).
 */
export async function openServingNodesStore(
  config: Config,
  readModels: ReadModelStore,
  use: SqliteUse = {},
): Promise<{ store: ReadModelStore; shared: boolean }> {
  if (readModels.dialect === 'postgres') return { store: readModels, shared: true };
  // nodes sharing a PostgreSQL log see each other there, whatever holds their read models
  if (config.store === 'postgres') return { store: await postgresReadModelStore(config.postgresUrl!), shared: false };
  return { store: await sqliteReadModelStore(config.store === 'memory' ? ':memory:' : servingNodesFile(config), use), shared: false };
}

/** The SQLite files the stores below open for `config`, each with what it holds. */
export function sqliteFiles(config: Config): { readonly role: 'events' | 'read-models' | 'spent-nonces'; readonly path: string }[] {
  return [
    ...(config.store === 'sqlite' ? [{ role: 'events' as const, path: eventsFile(config) }] : []),
    ...(config.readModels === 'sqlite' && config.store !== 'memory'
      ? [{ role: 'read-models' as const, path: readModelsFile(config) }]
      : []),
    ...(config.store !== 'postgres' && config.store !== 'memory' && config.readModels === 'sqlite'
      ? [{ role: 'spent-nonces' as const, path: spentNoncesFile(config) }]
      : []),
  ];
}

/** The configured backend, behind the schema check every append passes (see validating.ts). */
/** How the SQLite files are kept: a one-shot command checkpoints without a background thread. */
export interface SqliteUse {
  readonly checkpointInBackground?: boolean;
}

export async function openEventStore(
  config: Config,
  clock: Clock,
  onSqliteOpen?: (role: 'events', db: Database.Database) => void,
  events: EventRegistry = eventRegistry(),
  use: SqliteUse = {},
): Promise<EventStore & Partial<WriteProbed>> {
  const backend = await openBackend(config, clock, onSqliteOpen, use);
  const validated = validatingEventStore(backend, events);
  // the health probe writes beside the log, not through it: it passes by the schema check
  return backend.probeWrite ? { ...validated, probeWrite: () => backend.probeWrite!() } : validated;
}

async function openBackend(
  config: Config,
  clock: Clock,
  onSqliteOpen?: (role: 'events', db: Database.Database) => void,
  use: SqliteUse = {},
): Promise<EventStore & Partial<WriteProbed>> {
  switch (config.store) {
    case 'sqlite':
      return sqliteEventStore({
        path: eventsFile(config),
        synchronous: config.sqliteSynchronous,
        clock,
        // serve's projection thread follows this thread's appends (see projection-thread.ts)
        wakeOtherThreads: config.projections === 'worker',
        ...use,
        ...(onSqliteOpen ? { onOpen: (db: Database.Database) => onSqliteOpen('events', db) } : {}),
      });
    case 'postgres':
      return postgresEventStore({ url: config.postgresUrl!, clock });
    case 'eventstoredb':
      return eventStoreDbEventStore({ url: config.eventStoreDbUrl! }, () => clock.now());
    case 'memory':
      return memoryEventStore(clock);
  }
}

export async function openReadModels(config: Config, use: SqliteUse = {}): Promise<ReadModelStore> {
  if (config.readModels === 'postgres') return postgresReadModelStore(config.postgresUrl!);
  // read models of a memory log would outlive it and point past its head
  return sqliteReadModelStore(config.store === 'memory' ? ':memory:' : readModelsFile(config), use);
}

/**
 * Where spent nonces live: with any PostgreSQL in the set-up, one table all nodes share (nodes
 * share PostgreSQL, so a replay to another node is refused too); else a SQLite file in the data
 * directory; with the memory store, memory (forgotten with the log).
 */
export async function openSpentNonces(config: Config): Promise<SpentNonces & Partial<WriteProbed>> {
  if (config.store === 'postgres' || config.readModels === 'postgres') return postgresSpentNonces(config.postgresUrl!);
  if (config.store === 'memory') return memorySpentNonces();
  return sqliteSpentNonces(spentNoncesFile(config));
}
