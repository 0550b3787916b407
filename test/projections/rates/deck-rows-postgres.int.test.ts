import { postgresReadModelStore } from '../../../adapters/read-models/postgres';
import { describePostgres } from '../../support/postgres';
import { deckRowsContract } from './deck-rows-contract';

describePostgres('deck rows on PostgreSQL', (newDatabase) => {
  deckRowsContract(async () => postgresReadModelStore(await newDatabase()));
});
