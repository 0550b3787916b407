import { sqliteReadModelStore } from '../../../adapters/read-models/sqlite';
import { deckRowsContract } from './deck-rows-contract';

describe('deck rows on SQLite', () => {
  deckRowsContract(async () => sqliteReadModelStore(':memory:'));
});
