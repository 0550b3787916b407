import { postgresReadModelStore } from '../../../adapters/read-models/postgres';
import { carrierQualityProjection } from '../../../projections/quality/projection';
import { batchedIdentityContract } from '../../support/batched-identity';
import { describePostgres } from '../../support/postgres';
import { expectAttemptsAnsweredOrCaused } from './quality-sums-check';

const TABLES = ['quality_pending', 'quality_buckets', 'quality_causes'];

describePostgres('carrier quality counts in batches on PostgreSQL', (newDatabase) => {
  batchedIdentityContract(
    carrierQualityProjection(null),
    TABLES,
    TABLES,
    async () => postgresReadModelStore(await newDatabase()),
    expectAttemptsAnsweredOrCaused,
  );
});
