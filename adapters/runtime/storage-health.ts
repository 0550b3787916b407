import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { StorageFault } from './storage-fault';

/** The stores whose writes decide readiness: the log, and the ledger every signed request writes. */
export type WatchedStore = 'events' | 'spent-nonces';

/** A small real write on the store: resolves when it took, throws what the store threw. */
export type WriteProbe = () => Promise<void>;

export interface StorageHealth {
  /** A store failed with a storage fault: unhealthy (readiness off) until a write or a probe takes; corrupt until restarted. */
  failed(store: WatchedStore, fault: StorageFault): void;
  /** A write took: the store is healthy again. */
  succeeded(store: WatchedStore): void;
  /** The stores unhealthy now, with what went wrong; empty when all are well. */
  faults(): readonly { readonly store: WatchedStore; readonly fault: StorageFault }[];
  /** The probe a store is tried with while it is unhealthy; without one only its own next write tells. */
  probeWith(store: WatchedStore, probe: WriteProbe): void;
  close(): void;
}

/**
 * Readiness of the stores' writes. The first storage fault marks a store unhealthy; from then on
 * a probe (a small real write) runs every `probeEveryMs`, because a node that is not ready gets
 * no traffic whose writes could tell it the disk has room again. Exported as
 * trunkline_storage_healthy{store} and trunkline_storage_failures_total{store,fault}.
 */
export function storageHealth(options: { registry: Registry; logger: Logger; probeEveryMs?: number }): StorageHealth {
  const everyMs = options.probeEveryMs ?? 1000;
  const stores: readonly WatchedStore[] = ['events', 'spent-nonces'];
  const unhealthy = new Map<WatchedStore, StorageFault>();
  const probes = new Map<WatchedStore, WriteProbe>();
  const timers = new Map<WatchedStore, NodeJS.Timeout>();
  const healthy = new Gauge({
    name: 'trunkline_storage_healthy',
    help: 'Whether the store takes writes (1) or its last write failed for a storage fault (0)',
    labelNames: ['store'] as const,
    registers: [options.registry],
  });
  const failures = new Counter({
    name: 'trunkline_storage_failures_total',
    help: 'Store operations that failed for a storage fault: full, io, corrupt or unreachable',
    labelNames: ['store', 'fault'] as const,
    registers: [options.registry],
  });
  for (const store of stores) healthy.set({ store }, 1);

  function recovered(store: WatchedStore) {
    clearInterval(timers.get(store));
    timers.delete(store);
    if (!unhealthy.delete(store)) return;
    healthy.set({ store }, 1);
    options.logger.warn({ store }, 'storage takes writes again');
  }

  function startProbing(store: WatchedStore) {
    const probe = probes.get(store);
    if (!probe || timers.has(store)) return;
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      probe()
        .then(() => unhealthy.get(store) !== 'corrupt' && recovered(store))
        .catch(() => undefined) // still failing: the fault was logged when it began
        .finally(() => (running = false));
    }, everyMs);
    timer.unref();
    timers.set(store, timer);
  }

  return {
    failed(store, fault) {
      failures.inc({ store, fault });
      const known = unhealthy.get(store);
      if (known === fault || known === 'corrupt') return;
      unhealthy.set(store, fault);
      healthy.set({ store }, 0);
      if (fault === 'corrupt') {
        // a write that takes proves nothing of the damaged pages: only a restart, after the file is restored, clears it
        clearInterval(timers.get(store));
        timers.delete(store);
        options.logger.error({ store, fault }, 'storage is corrupt: not ready until the file is restored and the engine restarted');
        return;
      }
      options.logger.error({ store, fault }, 'storage failing: not ready until a write takes again');
      startProbing(store);
    },
    succeeded(store) {
      const known = unhealthy.get(store);
      if (known && known !== 'corrupt') recovered(store);
    },
    faults: () => [...unhealthy].map(([store, fault]) => ({ store, fault })),
    probeWith(store, probe) {
      probes.set(store, probe);
      const known = unhealthy.get(store);
      if (known && known !== 'corrupt') startProbing(store);
    },
    close() {
      for (const timer of timers.values()) clearInterval(timer);
      timers.clear();
    },
  };
}
