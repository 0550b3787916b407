import type { EventStore } from '../../core/event-store';
import type { Metrics } from './metrics';

/** The same store, timing every append into the histogram. */
export function instrumentStore(store: EventStore, metrics: Metrics): EventStore {
  const backend = store.description.split(':')[0] ?? 'unknown';
  return {
    description: store.description,
    async append(stream, events, expected) {
      const end = metrics.appendSeconds.startTimer({ backend });
      try {
        const result = await store.append(stream, events, expected);
        end({ outcome: result.deduplicated ? 'deduplicated' : 'written' });
        return result;
      } catch (error) {
        end({ outcome: 'refused' });
        throw error;
      }
    },
    readStream: (s, v) => store.readStream(s, v),
    readAll: (p, b) => store.readAll(p, b),
    subscribe: (p) => store.subscribe(p),
    head: () => store.head(),
    close: () => store.close(),
  };
}
