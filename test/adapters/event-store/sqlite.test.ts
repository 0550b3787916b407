import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteEventStore } from '../../../adapters/event-store/sqlite';
import { eventStoreContract } from '../../contract/event-store.contract';

describe('sqlite event store', () => {
  eventStoreContract(
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'trunkline-sqlite-'));
      const path = join(dir, 'events.sqlite');
      let store = sqliteEventStore({ path, pollMs: 50 });
      return {
        store,
        reopen: async () => {
          await store.close();
          store = sqliteEventStore({ path, pollMs: 50 });
          return store;
        },
        cleanup: async () => {
          await store.close().catch(() => undefined);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
    { densePositions: true, globalIdIndex: true },
  );
});
