import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteReadModelStore } from '../../../adapters/read-models/sqlite';
import { callRecordsProjection } from '../../../projections/records/calls-projection';
import { batchedIdentityContract } from '../../support/batched-identity';
import { expectCallOutcomes } from './call-outcomes-check';

describe('call records in batches on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-calls-batch-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  batchedIdentityContract(
    callRecordsProjection,
    ['call_records'],
    ['call_records'],
    async () => sqliteReadModelStore(join(dir, `rm-${n++}.db`)),
    expectCallOutcomes,
  );
});
