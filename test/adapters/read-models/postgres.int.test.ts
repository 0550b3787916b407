import { postgresReadModelStore } from '../../../adapters/read-models/postgres';
import { projectionRunnerContract } from '../../contract/projection-runner.contract';
import { describePostgres } from '../../support/postgres';

describePostgres('projections on PostgreSQL read models', (newDatabase) => {
  projectionRunnerContract(async () => {
    const url = await newDatabase();
    const readModels = await postgresReadModelStore(url);
    return { readModels, another: () => postgresReadModelStore(url), cleanup: () => readModels.close() };
  });
});
