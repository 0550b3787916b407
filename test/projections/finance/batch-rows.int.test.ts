import { postgresReadModelStore } from '../../../adapters/read-models/postgres';
import { financeProjection } from '../../../projections/finance/projection';
import { batchedIdentityContract } from '../../support/batched-identity';
import { expectDailySumsOfTraffic } from './daily-sums-check';
import { describePostgres } from '../../support/postgres';

describePostgres('finance projection in batches on PostgreSQL', (newDatabase) => {
  batchedIdentityContract(
    financeProjection,
    ['finance_traffic', 'finance_money', 'finance_attempts', 'finance_daily', 'finance_absorbed'],
    ['finance_traffic', 'finance_money', 'finance_attempts', 'finance_daily'],
    async () => postgresReadModelStore(await newDatabase()),
    expectDailySumsOfTraffic,
  );
});
