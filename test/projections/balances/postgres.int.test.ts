import { postgresReadModelStore } from '../../../adapters/read-models/postgres';
import { describePostgres } from '../../support/postgres';
import { balancesContract } from './balances-contract';

describePostgres('balances projection on PostgreSQL', (newDatabase) => {
  balancesContract(async () => postgresReadModelStore(await newDatabase()));
});
