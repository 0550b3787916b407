import { DomainError } from '../decider';
import type { GrantTerms } from '../wallet/commands';
import type { WalletCommand } from '../wallet/commands';
import type { VoucherBatch } from './events';

/**
 * Whether a code of `batch` may be redeemed at `at` (the claim decides who), and the wallet
 * command that credits it: a prepaid card to paid credit, a promotion to a grant.
 */
export function redemptionCommand(batch: VoucherBatch, hash: string, at: Date): WalletCommand {
  if (!batch.codeHashes.includes(hash)) throw new DomainError('unknown-voucher', 'no such voucher code');
  if (Date.parse(batch.expiresAt) <= at.getTime())
    throw new DomainError('voucher-expired', `this voucher expired at ${batch.expiresAt}`, { expiresAt: batch.expiresAt });
  const grant: GrantTerms | null =
    batch.funding === 'granted'
      ? {
          grantId: `voucher:${hash.slice(0, 16)}`,
          expiresAt: batch.grantValidDays === null ? null : new Date(at.getTime() + batch.grantValidDays * 86_400_000).toISOString(),
          restriction: batch.restriction,
        }
      : null;
  return {
    type: 'redeem-voucher',
    data: {
      codeHash: hash,
      batchId: batch.batchId,
      amount: batch.amount,
      currency: batch.currency,
      funding: batch.funding,
      grant,
    },
  };
}
