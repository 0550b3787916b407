import { randomUUID } from 'node:crypto';
import { eventStoreDbEventStore } from '../../../adapters/event-store/eventstoredb';
import { eventStoreContract } from '../../contract/event-store.contract';

const url = process.env['EVENTSTOREDB_URL'];

if (!url) {
  console.warn('\n*** SKIPPED eventstoredb event store: EVENTSTOREDB_URL is not set (no EventStoreDB server can be installed here). ***\n');
}

// EventStoreDB cannot be installed on these machines; the suite runs wherever EVENTSTOREDB_URL points at one.
(url ? describe : describe.skip)('eventstoredb event store', () => {
  // One server serves every test: each test gets its own stream prefix, so it sees an empty store.
  // EventStoreDB positions are log offsets, not 1, 2, 3…, hence densePositions: false.
  eventStoreContract(
    async () => {
      const store = eventStoreDbEventStore({ url: url!, pollMs: 100, streamPrefix: `t${randomUUID().slice(0, 8)}-` });
      return { store, reopen: async () => store, cleanup: async () => store.close() };
    },
    { densePositions: false, globalIdIndex: false },
  );
});
