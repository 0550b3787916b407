import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteReadModelStore } from '../../../adapters/read-models/sqlite';
import { carrierQualityProjection } from '../../../projections/quality/projection';
import { batchedIdentityContract } from '../../support/batched-identity';
import { expectAttemptsAnsweredOrCaused } from './quality-sums-check';

const TABLES = ['quality_pending', 'quality_buckets', 'quality_causes'];

describe('carrier quality counts in batches on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-quality-batch-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  batchedIdentityContract(
    carrierQualityProjection(null),
    TABLES,
    TABLES,
    async () => sqliteReadModelStore(join(dir, `rm-${n++}.db`)),
    expectAttemptsAnsweredOrCaused,
  );
});
