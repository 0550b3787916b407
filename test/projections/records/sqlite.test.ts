import { sqliteReadModelStore } from '../../../adapters/read-models/sqlite';
import { recordsContract } from './records-contract';

describe('call and text records on SQLite', () => {
  recordsContract(async () => sqliteReadModelStore(':memory:'));
});
