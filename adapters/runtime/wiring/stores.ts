import type Database from 'better-sqlite3';
import type { Clock } from '../../../core/clock';
import type { EventStore } from '../../../core/event-store';
import type { EventRegistry } from '../../../core/events/registry';
import type { SpentNonces } from '../../../application/ports/spent-nonces';
import type { Config } from '../config';
import { instrumentStore } from '../instrument-store';
import type { Metrics } from '../metrics';
import { openEventStore, openSpentNonces, type SqliteUse } from '../open-stores';
import type { StorageHealth } from '../storage-health';
import { watchEventStore, watchSpentNonces } from '../storage-watch';

/** What a serving engine watches its stores with; one-shot commands and the projection thread have neither. */
export interface StoreWatch {
  readonly metrics: Metrics;
  readonly health: StorageHealth;
}

/**
 * The event log. `events` is the registry of the types it accepts: plugins add theirs while they
 * register, after it is open, and the validating store reads it at each append.
 */
export async function openLog(
  config: Config,
  clock: Clock,
  events: EventRegistry,
  onSqliteOpen: ((role: 'events', db: Database.Database) => void) | undefined,
  watch: StoreWatch | null,
  use: SqliteUse = {},
): Promise<EventStore> {
  const opened = await openEventStore(config, clock, onSqliteOpen, events, use);
  if (!watch) return opened;
  if (opened.probeWrite) watch.health.probeWith('events', opened.probeWrite);
  return instrumentStore(watchEventStore(opened, watch.health), watch.metrics);
}

/** The spent nonces of signed requests, watched as the log is: a signed request cannot be served without them. */
export async function openWatchedSpentNonces(config: Config, watch: StoreWatch): Promise<SpentNonces> {
  const opened = await openSpentNonces(config);
  if (opened.probeWrite) watch.health.probeWith('spent-nonces', opened.probeWrite);
  return watchSpentNonces(opened, watch.health);
}
