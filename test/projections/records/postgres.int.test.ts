import { postgresReadModelStore } from '../../../adapters/read-models/postgres';
import { describePostgres } from '../../support/postgres';
import { recordsContract } from './records-contract';

describePostgres('call and text records on PostgreSQL', (newDatabase) => {
  recordsContract(async () => postgresReadModelStore(await newDatabase()));
});
