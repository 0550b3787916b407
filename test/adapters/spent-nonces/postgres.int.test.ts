import { postgresSpentNonces } from '../../../adapters/spent-nonces/postgres';
import { spentNoncesContract } from '../../contract/spent-nonces.contract';
import { describePostgres } from '../../support/postgres';

describePostgres('PostgreSQL spent nonces', (newDatabase) => {
  spentNoncesContract(
    async () => {
      const url = await newDatabase();
      return { open: () => postgresSpentNonces(url), cleanup: async () => undefined };
    },
    { durable: true },
  );
});
