import { DomainError } from '../decider';
import { deriveId } from '../ids';
import type { AccountStreamEvent } from '../wallet/events';
import type { WalletState } from '../wallet/state';
import type { FraudCommand } from './commands';

/** The suspicion a rule raises between two reviews: one per rule and epoch. */
export const suspicionIdOf = (rule: string, epoch: number) => `${rule}:${epoch}`;

/**
 * A suspicion holds the account's paid services until an operator clears it. Raised against a
 * closed or unknown account, or from before the latest review (a detector lagging behind the
 * log), it records nothing; the same suspicion again is the same event.
 */
export function decideFraud(c: FraudCommand, s: WalletState): AccountStreamEvent[] {
  if (s.status === 'none' || s.status === 'closed') return [];
  switch (c.type) {
    case 'suspect-fraud': {
      if (c.data.epoch < s.fraud.clears) return [];
      const suspicionId = suspicionIdOf(c.data.rule, c.data.epoch);
      if (s.fraud.open[suspicionId]) return [];
      return [
        {
          type: 'FraudSuspected',
          id: deriveId('fraud-suspected', s.accountId, suspicionId),
          data: {
            accountId: s.accountId,
            suspicionId,
            rule: c.data.rule,
            summary: c.data.summary,
            evidence: c.data.evidence,
            at: c.data.at,
          },
        },
      ];
    }
    case 'clear-fraud': {
      const suspicionIds = Object.keys(s.fraud.open).sort();
      if (suspicionIds.length === 0) return [];
      const reviewed = c.data.suspicionIds;
      if (reviewed && suspicionIds.some((id) => !reviewed.includes(id)))
        throw new DomainError('suspicions-changed', 'a suspicion was raised since the review: list them again before clearing', {
          open: suspicionIds.join(','),
        });
      return [
        {
          type: 'FraudCleared',
          id: deriveId('fraud-cleared', s.accountId, String(s.fraud.clears)),
          data: { accountId: s.accountId, suspicionIds, by: c.data.by, note: c.data.note, at: c.data.at },
        },
      ];
    }
  }
}
