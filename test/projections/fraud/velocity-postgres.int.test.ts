import { postgresReadModelStore } from '../../../adapters/read-models/postgres';
import { describePostgres } from '../../support/postgres';
import { velocityContract } from './velocity-contract';

describePostgres('velocity projection on PostgreSQL: batches equal one event at a time', (newDatabase) => {
  velocityContract(async () => postgresReadModelStore(await newDatabase()));
});
