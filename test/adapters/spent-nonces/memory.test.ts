import { memorySpentNonces } from '../../../adapters/spent-nonces/memory';
import { spentNoncesContract } from '../../contract/spent-nonces.contract';

describe('memory spent nonces', () => {
  spentNoncesContract(async () => ({ open: async () => memorySpentNonces(), cleanup: async () => undefined }), { durable: false });

  test('full of live nonces, it refuses new ones instead of forgetting old ones', async () => {
    const nonces = memorySpentNonces(3);
    for (const k of ['a', 'b', 'c']) expect(await nonces.spend(k, 2000, 0)).toBe(true);
    await expect(nonces.spend('d', 2000, 1)).rejects.toThrow(/3 nonces are live/);
    expect(await nonces.spend('a', 2000, 1)).toBe(false);
    expect(await nonces.spend('d', 4000, 2000)).toBe(true); // the others expired
  });
});
