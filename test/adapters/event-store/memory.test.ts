import { memoryEventStore } from '../../../adapters/event-store/memory';
import { eventStoreContract } from '../../contract/event-store.contract';

describe('memory event store', () => {
  eventStoreContract(
    async () => {
      const store = memoryEventStore();
      return {
        store,
        // the memory store has nothing to reopen: the same instance stands in for it
        reopen: async () => store,
        cleanup: async () => store.close(),
      };
    },
    { densePositions: true, globalIdIndex: true },
  );
});
