import type { EventStore } from '../../core/event-store';
import type { SpentNonces } from '../../application/ports/spent-nonces';
import { storageFault, StorageUnavailableError } from './storage-fault';
import type { StorageHealth, WatchedStore } from './storage-health';

/** Tells `health` of a storage fault in `error` and turns it into a StorageUnavailableError; other errors pass as they are. */
function judged(health: StorageHealth, store: WatchedStore, error: unknown): unknown {
  const fault = storageFault(error);
  if (!fault) return error;
  health.failed(store, fault);
  return new StorageUnavailableError(store, fault, { cause: error });
}

async function* watchedReads<T>(health: StorageHealth, read: () => AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* read();
  } catch (error) {
    throw judged(health, 'events', error);
  }
}

/**
 * The same log, telling `health` how its storage fares: a write that takes makes it healthy, a
 * read or write that fails for a storage fault makes it unhealthy and reaches the caller as a
 * StorageUnavailableError (a 503, without the driver's text). Subscriptions are the projection
 * runner's, which reports its own failures.
 */
export function watchEventStore(store: EventStore, health: StorageHealth): EventStore {
  return {
    description: store.description,
    async append(stream, events, expected) {
      try {
        const result = await store.append(stream, events, expected);
        // an append answered from what is stored wrote nothing: it proves no room
        if (!result.deduplicated) health.succeeded('events');
        return result;
      } catch (error) {
        throw judged(health, 'events', error);
      }
    },
    readStream: (s, v) => watchedReads(health, () => store.readStream(s, v)),
    readAll: (p, b) => watchedReads(health, () => store.readAll(p, b)),
    subscribe: (p) => store.subscribe(p),
    async head() {
      try {
        return await store.head();
      } catch (error) {
        throw judged(health, 'events', error);
      }
    },
    close: () => store.close(),
  };
}

/** The same ledger, telling `health` how its storage fares; its errors stay its own (the signature check answers them 503). */
export function watchSpentNonces(nonces: SpentNonces, health: StorageHealth): SpentNonces {
  return {
    async spend(key, expiresAtMs, nowMs) {
      try {
        const spent = await nonces.spend(key, expiresAtMs, nowMs);
        health.succeeded('spent-nonces');
        return spent;
      } catch (error) {
        judged(health, 'spent-nonces', error);
        throw error;
      }
    },
    close: () => nonces.close(),
  };
}
