import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteSpentNonces } from '../../../adapters/spent-nonces/sqlite';
import { spentNoncesContract } from '../../contract/spent-nonces.contract';

describe('SQLite spent nonces', () => {
  spentNoncesContract(
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'trunkline-nonces-'));
      return {
        open: async () => sqliteSpentNonces(join(dir, 'spent-nonces.sqlite')),
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
    { durable: true },
  );
});
