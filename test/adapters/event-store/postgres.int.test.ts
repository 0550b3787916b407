import { postgresEventStore } from '../../../adapters/event-store/postgres';
import { eventStoreContract } from '../../contract/event-store.contract';
import { describePostgres } from '../../support/postgres';

describePostgres('postgres event store', (newDatabase) => {
  eventStoreContract(
    async () => {
      const url = await newDatabase();
      let store = await postgresEventStore({ url, pollMs: 100 });
      return {
        store,
        reopen: async () => {
          await store.close();
          store = await postgresEventStore({ url, pollMs: 100 });
          return store;
        },
        cleanup: async () => store.close().catch(() => undefined),
      };
    },
    { densePositions: true, globalIdIndex: true },
  );
});
