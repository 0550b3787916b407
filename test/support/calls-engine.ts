import { join } from 'node:path';
import type { Config } from '../../adapters/runtime/config';
import type { Engine, EngineOptions } from '../../adapters/runtime/engine';
import type { Clock } from '../../core/clock';
import { signedFetch, type Signer } from './signed-fetch';
import { testEngine } from './test-engine';

export const HOOK_SECRET = 'hook-secret-0123456789';
const DECK = join(__dirname, '..', 'fixtures', 'rating', 'decks', 'alpha-v1.csv');

export interface CallsEngine {
  readonly engine: Engine;
  readonly base: string;
  /** The engine's data directory. */
  readonly dir: string;
  /** POSTs to a SIP hook with the shared secret. */
  hook(path: 'authorize' | 'cdr' | 'extend' | 'inbound', body: unknown, secret?: string): Promise<Response>;
  /** Credits paid money to a number's account as a Stripe success would. */
  fund(number: string, amount: string, paymentId?: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * An engine with one carrier (deck alpha-v1 unless `deck` names another, a trunk on `carrierPort`) priced at 50 % markup,
 * the SIP hooks enabled, and `people` opened as EUR accounts. `onNet` numbers publish a SIP URI.
 */
export async function callsEngine(options: {
  people: readonly Signer[];
  onNet?: Readonly<Record<string, string>>;
  carrierPort?: number;
  /** The carrier's deck file (alpha-v1 by default). */
  deck?: string;
  config?: Partial<Config>;
  operators?: Parameters<typeof testEngine>[0]['operators'];
  env?: Record<string, string>;
  clock?: Clock;
  logger?: Parameters<typeof testEngine>[0]['logger'];
  /** Leave the data directory when closing (a benchmark serves it afterwards). */
  keepData?: boolean;
  engine?: EngineOptions;
}): Promise<CallsEngine> {
  const t = await testEngine({
    numbers: options.people,
    ...(options.onNet ? { onNet: options.onNet } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.keepData ? { keepData: true } : {}),
    ...(options.operators ? { operators: options.operators } : {}),
    ...(options.engine ? { engine: options.engine } : {}),
    config: { sipHookSecret: HOOK_SECRET, pluginOptions: { pricing: { markupPercent: '50' } }, ...options.config },
  });
  const { engine, base } = t;
  const closeAll = () => t.close();
  try {
    await prepare();
  } catch (error) {
    await closeAll();
    throw error;
  }
  async function prepare() {
    {
      await engine.rating.registerCarrier({
        carrierId: 'alpha',
        name: 'Alpha',
        currency: 'EUR',
        preference: 1,
        trunks: [
          {
            host: '127.0.0.1',
            port: options.carrierPort ?? 5080,
            transport: 'udp',
            techPrefix: '',
            channels: 0,
            username: '',
            password: '',
          },
        ],
      });
      await engine.rating.importDeck({ carrierId: 'alpha', file: options.deck ?? DECK });
    }
    await engine.rating.sync();
    for (const p of options.people) {
      const r = await signedFetch(base, p, 'POST', '/v1/accounts', { currency: 'EUR' });
      if (r.status !== 201 && r.status !== 200) throw new Error(`opening ${p.keyid}: ${r.status} ${await r.text()}`);
    }
  }
  return {
    engine,
    base,
    dir: t.dir,
    hook: (path, body, secret = HOOK_SECRET) =>
      fetch(`${base}/v1/hooks/sip/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: JSON.stringify(body),
      }),
    async fund(number, amount, paymentId = `pi_${number}_${amount}`) {
      await engine.wallet.execute(
        number,
        { type: 'record-purchase', data: { processor: 'test', paymentId, processorEventId: paymentId, amount, currency: 'EUR' } },
        'test',
      );
    },
    close: closeAll,
  };
}
