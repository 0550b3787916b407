import pino from 'pino';
import type { Engine } from '../../adapters/runtime/engine';
import { autoTopUpRunner } from '../../adapters/payments/auto-top-up-runner';
import { amountLimits } from '../../core/amount-limits';
import type { ReadModelStore } from '../../application/ports/read-model-store';

/** The runner a serving engine's `charge-auto-top-ups` job uses, driven by hand (retries after 1 s at most). */
export const autoTopUpRunnerOf = (engine: Engine, readModels: ReadModelStore = engine.readModels, now: () => Date = () => new Date()) =>
  autoTopUpRunner({
    readModels,
    clock: { now },
    logger: pino({ level: 'silent' }),
    retryMaxSeconds: 1,
    topUps: {
      processors: engine.paymentProcessors,
      accounts: engine.accounts,
      wallet: engine.wallet,
      topUpMinimum: engine.config.topUpMinimum,
      topUpMaximum: engine.config.topUpMaximum,
      amountLimits: amountLimits(engine.config.amountLimits),
    },
  });
