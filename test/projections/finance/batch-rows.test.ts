import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteReadModelStore } from '../../../adapters/read-models/sqlite';
import { financeProjection } from '../../../projections/finance/projection';
import { batchedIdentityContract } from '../../support/batched-identity';
import { expectDailySumsOfTraffic } from './daily-sums-check';

const FINANCE_TABLES = ['finance_traffic', 'finance_money', 'finance_attempts', 'finance_daily', 'finance_absorbed'];

describe('finance projection in batches on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-finance-batch-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  batchedIdentityContract(
    financeProjection,
    FINANCE_TABLES,
    ['finance_traffic', 'finance_money', 'finance_attempts', 'finance_daily'],
    async () => sqliteReadModelStore(join(dir, `rm-${n++}.db`)),
    expectDailySumsOfTraffic,
  );
});
