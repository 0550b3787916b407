import type { Logger } from 'pino';
import type { Clock } from '../../core/clock';
import { DomainError } from '../../core/decider';
import type { ReadModelStore } from '../../application/ports/read-model-store';
import { chargeDueTopUp } from '../../application/payments/auto-top-up';
import type { TopUpDeps } from '../../application/payments/top-up';
import { claimDueTopUps, createQueue, dropFromLine, retryTopUpAt, type ClaimedTopUp } from '../../projections/auto-top-up/queue';
import { retryDelaySeconds } from '../webhooks/dispatcher';

export interface AutoTopUpRunnerDeps {
  readonly readModels: ReadModelStore;
  readonly topUps: TopUpDeps;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The longest wait between two attempts while the processor cannot be reached. */
  readonly retryMaxSeconds: number;
}

/** Triggers taken per round, and how long one is leased to this node before another may try it. */
const BATCH = 20;
const LEASE_MS = 60_000;

/**
 * Charges the auto top-ups the log set off, on every serving node: each trigger is leased to one
 * node at a time, charged under a key derived from it, and recorded on its account. While the
 * processor is unreachable a trigger waits and is tried again (2 s doubling, capped); a refusal
 * is recorded once and turns auto top-up off.
 */
export function autoTopUpRunner(deps: AutoTopUpRunnerDeps) {
  async function attempt(t: ClaimedTopUp): Promise<void> {
    try {
      const result = await chargeDueTopUp(deps.topUps, t, deps.clock.now());
      if (result === 'settled-already') await dropFromLine(deps.readModels, t.triggerId);
      deps.logger.info({ triggerId: t.triggerId, number: t.number, result }, 'auto top-up');
    } catch (error) {
      const attempts = t.attempts + 1;
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof DomainError)
        deps.logger.error({ triggerId: t.triggerId, number: t.number, code: error.code, err: error }, 'auto top-up not recorded');
      else deps.logger.warn({ triggerId: t.triggerId, number: t.number, attempts, err: error }, 'auto top-up not charged; will retry');
      const wait = retryDelaySeconds(attempts, deps.retryMaxSeconds);
      await retryTopUpAt(deps.readModels, t.triggerId, attempts, new Date(deps.clock.now().getTime() + wait * 1000), message);
    }
  }
  let ready: Promise<void> | null = null;
  return {
    /** One round: the due triggers, in parallel (one account's never twice: one is pending at a time). */
    async runOnce(): Promise<number> {
      ready ??= deps.readModels.migrate(createQueue);
      await ready;
      const now = deps.clock.now();
      const due = await claimDueTopUps(deps.readModels, now, new Date(now.getTime() + LEASE_MS), BATCH);
      await Promise.all(due.map(attempt));
      return due.length;
    },
  };
}
