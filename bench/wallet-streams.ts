import type { Engine } from '../adapters/runtime/engine';
import { accountStream } from '../core/accounts/account';
import { fold } from '../core/decider';
import { walletDecider, type AccountStreamEvent } from '../core/wallet';
import { walletService } from '../application/wallet/service';
import { fmt, percentile } from './report';

/**
 * Wallet command latency as one account's stream grows (every command folds the account's
 * stream, no snapshots): the median of 20 charges without the state cache and with it, at three
 * stream lengths; the cached figure's ratio to the uncached one of the same length. One row.
 */
export async function streamLengthRow(engine: Engine, heavy: string, scale: number): Promise<string> {
  const sizes: string[] = [];
  let appended = 0;
  for (const target of [100, 1000, 10000].map((n) => Math.max(10, Math.round(n * Math.max(scale, 0.1))))) {
    const state = await engine.wallet.state(heavy);
    const batch: AccountStreamEvent[] = [];
    let s = state;
    while (appended < target) {
      const events = walletDecider.decide(
        {
          type: 'charge',
          data: {
            chargeId: `bench-${heavy}-${appended}`,
            chargeKind: 'call',
            reference: 'bench',
            destination: '+442079460000',
            amount: '0.0001',
            currency: 'EUR',
            at: new Date().toISOString(),
          },
        },
        s,
      );
      s = fold({ initialState: s, evolve: walletDecider.evolve }, events);
      batch.push(...events);
      appended++;
    }
    let v = -1;
    for await (const e of engine.store.readStream(accountStream(heavy))) v = e.version;
    await engine.store.append(
      accountStream(heavy),
      batch.map((e) => ({ id: e.id!, type: e.type, schemaVersion: 1, data: e.data, metadata: {} })),
      v,
    );
    const uncached = walletService({ store: engine.store, ids: engine.ids, clock: { now: () => new Date() }, cachedAccounts: 0 });
    const median = async (wallet: typeof uncached, tag: string) => {
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t = performance.now();
        await wallet.execute(
          heavy,
          {
            type: 'charge',
            data: {
              chargeId: `probe-${tag}-${target}-${i}`,
              chargeKind: 'call',
              reference: 'probe',
              destination: '+442079460000',
              amount: '0.01',
              currency: 'EUR',
              at: new Date().toISOString(),
            },
          },
          'bench',
        );
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      return percentile(times, 0.5).toFixed(2);
    };
    const cold = await median(uncached, 'cold');
    await engine.wallet.state(heavy);
    const warm = await median(engine.wallet, 'warm');
    sizes.push(`${fmt(target)} events: ${cold} / ${warm} ms (× ${(Number(warm) / Number(cold)).toPrecision(2)})`);
  }
  return `| wallet charge command (read + fold + decide + append), median of 20, uncached / with the state cache (× cached over uncached), by stream length | 20 each | ${sizes.join('; ')} | – | – |`;
}
