import type { EventStore } from '../../core/event-store';
import type { EventCodec } from '../../core/events/codec';

/**
 * The store every writer of the engine appends through, whatever the backend: each event of a
 * batch is checked against its type's schema first, and a batch holding one that fails is
 * refused whole (InvalidEventError), so the log only ever holds events its projections can read.
 */
export function validatingEventStore(store: EventStore, codec: Pick<EventCodec<never>, 'validate'>): EventStore {
  return {
    description: store.description,
    async append(stream, events, expected) {
      for (const e of events) codec.validate(e);
      return store.append(stream, events, expected);
    },
    readStream: (s, v) => store.readStream(s, v),
    readAll: (p, b) => store.readAll(p, b),
    subscribe: (p) => store.subscribe(p),
    head: () => store.head(),
    close: () => store.close(),
  };
}
