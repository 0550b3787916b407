import type { Logger } from 'pino';
import type { ReadModelStore } from '../../application/ports/read-model-store';
import type { WalletService } from '../../application/wallet/service';
import { InvalidEventError } from '../../core/events/codec';
import { DomainError } from '../../core/decider';
import { RECENT_MINUTES, type Evidence } from '../../core/fraud/velocity';

interface HitRow {
  number: string;
  suspicion_id: string;
  rule: string;
  epoch: number | string;
  summary: string;
  evidence: string;
  at: string;
}

/**
 * Records what the velocity rules found (`fraud_hits`) as FraudSuspected on each account's
 * stream, which holds its paid services. Every serving engine runs it: the event's id derives
 * from the account and the suspicion, so two engines recording one hit append it once, and a hit
 * from before the account's latest review is refused by the decider as stale.
 */
export function suspicionRaiser(deps: {
  readonly readModels: ReadModelStore;
  readonly wallet: WalletService;
  readonly logger: Logger;
  readonly onRaised?: (rule: string) => void;
  /** The wall clock: a hit older than `MAX_AGE_MS` is history a rebuild found again, not news. */
  readonly now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  const mark = (hit: HitRow, status: string) =>
    deps.readModels.transaction((tx) =>
      tx.run('UPDATE fraud_hits SET status = ? WHERE number = ? AND suspicion_id = ?', [status, hit.number, hit.suspicion_id]),
    );
  /** Records up to `limit` hits; answers how many it read (as many as `limit`: there may be more). */
  return async function raise(limit = 100): Promise<number> {
    const hits = await deps.readModels.query<HitRow>(
      `SELECT number, suspicion_id, rule, epoch, summary, evidence, at FROM fraud_hits WHERE status = 'new' ORDER BY at LIMIT ${Math.trunc(limit)}`,
    );
    for (const hit of hits) {
      // a rebuild, or a rule changed, reads old history again: that holds nobody's service today
      if (Date.parse(hit.at) < now().getTime() - MAX_AGE_MS) {
        deps.logger.info({ number: hit.number, rule: hit.rule, at: hit.at }, 'fraud hit from history: not raised');
        await mark(hit, 'historical');
        continue;
      }
      try {
        await raiseOne(hit);
      } catch (err) {
        // a store that does not answer: the next run tries again
        if (!(err instanceof InvalidEventError || err instanceof DomainError || err instanceof SyntaxError)) throw err;
        // a hit that can never be recorded must not hold back the others, every run, on every engine
        deps.logger.error({ err, number: hit.number, rule: hit.rule }, 'fraud hit could not be recorded: set aside');
        await mark(hit, 'failed');
      }
    }
    return hits.length;
  };

  async function raiseOne(hit: HitRow): Promise<void> {
    const r = await deps.wallet.execute(
      hit.number,
      {
        type: 'suspect-fraud',
        data: {
          rule: hit.rule,
          epoch: Number(hit.epoch),
          summary: hit.summary,
          evidence: JSON.parse(hit.evidence) as Evidence,
          at: hit.at,
        },
      },
      'velocity-rules',
    );
    if (r.events.length > 0) {
      deps.onRaised?.(hit.rule);
      deps.logger.warn(
        { number: hit.number, rule: hit.rule, suspicion: hit.suspicion_id, summary: hit.summary },
        'fraud suspected: paid calls and texts held until an operator clears it (trunkline fraud list)',
      );
    }
    await mark(hit, 'recorded');
  }
}

/** How old a hit may be and still hold an account: twice what the rules look back. */
const MAX_AGE_MS = 2 * RECENT_MINUTES * 60_000;
