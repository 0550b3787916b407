import type { Engine } from '../adapters/runtime/engine';
import { accountDecider, accountStream } from '../core/accounts/account';
import { fold } from '../core/decider';
import { walletDecider, type AccountStreamEvent } from '../core/wallet';

/**
 * The balances rebuild's log: `accounts` accounts (+33142…) opened, bought 20 EUR, granted 1 and
 * charged `charges` times, appended straight to the log; `progress` sees each account written.
 */
export async function writeChargedAccounts(
  engine: Engine,
  accounts: number,
  charges: number,
  progress: (done: number) => void,
): Promise<void> {
  // a balances rebuild over many accounts of charges
  const rebuildIds = engine.ids;
  for (let a = 0; a < accounts; a++) {
    const number = `+33142${String(100000 + a).padStart(6, '0')}`;
    const opened = accountDecider.decide(
      {
        type: 'open',
        data: {
          number,
          keyFingerprint: 'bench',
          currency: 'EUR',
          plan: 'retail',
          directory: { source: 'bench', authenticated: true, ttlSeconds: 60, at: new Date().toISOString() },
        },
      },
      accountDecider.initialState,
    ) as AccountStreamEvent[];
    let s = fold(walletDecider, opened);
    const events: AccountStreamEvent[] = [...opened];
    const add = (e: readonly AccountStreamEvent[]) => {
      events.push(...e);
      s = fold({ initialState: s, evolve: walletDecider.evolve }, e);
    };
    add(
      walletDecider.decide(
        {
          type: 'record-purchase',
          data: { processor: 'bench', paymentId: `pi-${number}`, processorEventId: 'e', amount: '20', currency: 'EUR' },
        },
        s,
      ),
    );
    add(
      walletDecider.decide(
        {
          type: 'grant',
          data: {
            grantId: 'g',
            amount: '1',
            currency: 'EUR',
            reason: 'trial',
            source: 'bench',
            expiresAt: null,
            restriction: null,
          },
        },
        s,
      ),
    );
    for (let c = 0; c < charges; c++) {
      add(
        walletDecider.decide(
          {
            type: 'charge',
            data: {
              chargeId: `r-${number}-${c}`,
              chargeKind: 'call',
              reference: 'r',
              destination: '+442079460000',
              amount: '0.0137',
              currency: 'EUR',
              at: new Date().toISOString(),
            },
          },
          s,
        ),
      );
    }
    await engine.store.append(
      accountStream(number),
      events.map((e) => ({ id: e.id ?? rebuildIds.next(), type: e.type, schemaVersion: 1, data: e.data, metadata: {} })),
      'no-stream',
    );
    progress(a + 1);
  }
}
