import type { Logger } from 'pino';
import type { ReadModelStore } from '../../application/ports/read-model-store';
import type { WalletService } from '../../application/wallet/service';
import type { Evidence } from '../../core/fraud/velocity';

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
}) {
  /** Records up to `limit` hits; answers how many it read (as many as `limit`: there may be more). */
  return async function raise(limit = 100): Promise<number> {
    const hits = await deps.readModels.query<HitRow>(
      `SELECT number, suspicion_id, rule, epoch, summary, evidence, at FROM fraud_hits WHERE status = 'new' ORDER BY at LIMIT ${Math.trunc(limit)}`,
    );
    for (const hit of hits) {
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
      await deps.readModels.transaction((tx) =>
        tx.run("UPDATE fraud_hits SET status = 'recorded' WHERE number = ? AND suspicion_id = ?", [hit.number, hit.suspicion_id]),
      );
    }
    return hits.length;
  };
}
