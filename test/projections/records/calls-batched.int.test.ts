import { postgresReadModelStore } from '../../../adapters/read-models/postgres';
import { callRecordsProjection } from '../../../projections/records/calls-projection';
import { batchedIdentityContract } from '../../support/batched-identity';
import { describePostgres } from '../../support/postgres';
import { expectCallOutcomes } from './call-outcomes-check';

describePostgres('call records in batches on PostgreSQL', (newDatabase) => {
  batchedIdentityContract(
    callRecordsProjection,
    ['call_records'],
    ['call_records'],
    async () => postgresReadModelStore(await newDatabase()),
    expectCallOutcomes,
  );
});
