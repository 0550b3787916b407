import { accountIdOf, accountStream } from '../../../core/accounts/account';
import { manualClock } from '../../../core/clock';
import { DomainError } from '../../../core/decider';
import { uuidv7Generator } from '../../../core/ids';
import { balanceOf as walletBalance, grantedOf, accountStreamCodec, walletDecider, type WalletState } from '../../../core/wallet';
import { readState } from '../../../core/command-handler';
import { memoryEventStore } from '../../../adapters/event-store/memory';
import { walletService } from '../../../application/wallet/service';
import { balancesProjection } from '../../../projections/balances/projection';
import { balanceOf, ledgerOf } from '../../../projections/balances/queries';
import type { ReadModelStore } from '../../../application/ports/read-model-store';
import { projectionRunner } from '../../../projections/runner';
import { seeded } from '../../support/random';
import { randomCommand } from '../../support/wallet-commands';
import { opened, NUMBER } from '../../core/wallet/given';

/** The balances read model equals the wallet decider's fold, before and after a rebuild, on any read-model store. */
export function balancesContract(newReadModels: () => Promise<ReadModelStore>): void {
  test('for random wallets: paid, granted and the newest ledger line equal the fold of the stream; a rebuild gives the same', async () => {
    const clock = manualClock(new Date('2026-12-01T00:00:00Z'));
    const store = memoryEventStore(clock);
    const ids = uuidv7Generator(clock);
    const wallet = walletService({ store, ids, clock });
    const numbers: string[] = [];
    for (let seed = 1; seed <= 12; seed++) {
      const number = `${NUMBER.slice(0, -2)}${String(seed).padStart(2, '0')}`;
      numbers.push(number);
      const open = { ...opened[0]!, id: ids.next(), data: { ...opened[0]!.data, number, accountId: accountIdOf(number) } };
      await store.append(accountStream(number), [{ ...open, schemaVersion: 1, metadata: {}, id: ids.next() }], 'no-stream');
      const r = seeded(seed);
      for (let step = 0; step < 40; step++) {
        try {
          await wallet.execute(number, randomCommand(r, step, `s${seed}-`), 'test');
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
        }
      }
    }
    const rm = await newReadModels();
    try {
      const runner = projectionRunner({ store, readModels: rm, projections: [balancesProjection], clock });
      const check = async () => {
        for (const number of numbers) {
          const { state } = await readState({ store, codec: accountStreamCodec }, walletDecider, accountStream(number));
          const view = (await balanceOf(rm, number, clock.now()))!;
          const s = state as WalletState;
          expect({ number, paid: view.paid, granted: view.granted, reserved: view.reserved, balance: view.balance }).toEqual({
            number,
            reserved: s.reserved.toFixed(),
            paid: s.paid.toFixed(),
            granted: grantedOf(s).toFixed(),
            balance: walletBalance(s).toFixed(),
          });
          const newest = await ledgerOf(rm, number, { limit: 1 });
          if (newest.items[0]) expect(newest.items[0].balance).toBe(view.balance);
        }
      };
      await runner.catchUp('balances');
      await check();
      await runner.rebuild('balances');
      await check();
    } finally {
      await rm.close();
    }
  });
}
