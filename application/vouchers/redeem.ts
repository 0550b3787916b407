import { DomainError } from '../../core/decider';
import { EventIdConflictError, WrongExpectedVersionError } from '../../core/event-store';
import { deriveId } from '../../core/ids';
import { codeHash, normalizeCode, VoucherCodeError } from '../../core/vouchers/code';
import { claimStream, voucherCodec } from '../../core/vouchers/events';
import { redemptionCommand } from '../../core/vouchers/redemption';
import type { VoucherServiceDeps } from './deps';
import type { IssuedBatches } from './issued-batches';

export interface RedeemResult {
  /** `redeemed` now, or `already-yours` (this account redeemed it before: nothing changed). */
  readonly outcome: 'redeemed' | 'already-yours';
  readonly batchId: string;
  readonly amount: string;
  readonly currency: string;
  readonly funding: 'paid' | 'granted';
  readonly position: number | null;
}

async function claimOwner(deps: VoucherServiceDeps, hash: string): Promise<string | null> {
  for await (const recorded of deps.store.readStream(claimStream(hash))) {
    const e = voucherCodec.decode(recorded);
    if (e.type === 'VoucherClaimed') return e.data.accountNumber;
  }
  return null;
}

/** Claims the code for `number`; refused when another account claimed it first. */
async function claimCode(
  deps: VoucherServiceDeps,
  claimed: { hash: string; batchId: string; tag: string; number: string; at: Date },
): Promise<void> {
  const { hash, number } = claimed;
  try {
    await deps.store.append(
      claimStream(hash),
      [
        {
          id: deriveId('voucher-claimed', hash, number),
          type: 'VoucherClaimed',
          schemaVersion: 1,
          data: { codeHash: hash, batchId: claimed.batchId, tag: claimed.tag, accountNumber: number, at: claimed.at.toISOString() },
          metadata: { actor: number },
        },
      ],
      'no-stream',
    );
  } catch (error) {
    if (!(error instanceof WrongExpectedVersionError || error instanceof EventIdConflictError)) throw error;
  }
  const owner = await claimOwner(deps, hash);
  if (owner !== number) throw new DomainError('voucher-redeemed', 'this voucher was redeemed already');
}

export function voucherRedemption(deps: VoucherServiceDeps, batches: IssuedBatches) {
  return {
    /**
     * Redeems a code for `number`. The claim (an append that only succeeds on a new stream)
     * decides between concurrent redeemers; the credit follows under an id derived from the
     * code, so a retry after a crash completes it and never credits twice.
     */
    async redeem(number: string, code: string): Promise<RedeemResult> {
      let parsed;
      try {
        parsed = normalizeCode(code);
      } catch (error) {
        if (error instanceof VoucherCodeError) throw new DomainError('invalid-voucher-code', error.message);
        throw error;
      }
      const hash = codeHash(parsed.canonical);
      const entry = await batches.load(parsed.tag);
      if (!entry || !entry.hashes.has(hash)) throw new DomainError('unknown-voucher', 'no such voucher code');
      const now = deps.clock.now();
      const command = redemptionCommand(entry.batch, hash, now);
      // refuse before claiming: a claim by an account that cannot take the credit would burn the code
      const wallet = await deps.wallet.state(number);
      if (wallet.status === 'none') throw new DomainError('no-account', 'there is no such account');
      if (wallet.status !== 'open') throw new DomainError('account-not-open', `the account is ${wallet.status}`);
      if (wallet.currency !== entry.batch.currency)
        throw new DomainError('currency-mismatch', `this voucher is in ${entry.batch.currency}; the account is kept in ${wallet.currency}`);
      if (!wallet.vouchers[hash]) await claimCode(deps, { hash, batchId: entry.batch.batchId, tag: parsed.tag, number, at: now });
      const r = await deps.wallet.execute(number, command, number);
      return {
        outcome: r.events.length > 0 ? 'redeemed' : 'already-yours',
        batchId: entry.batch.batchId,
        amount: entry.batch.amount,
        currency: entry.batch.currency,
        funding: entry.batch.funding,
        position: r.position,
      };
    },

    /** Completes the credit of a claim whose redeemer stopped (crashed) between claim and credit. */
    async settleClaim(claim: { readonly hash: string; readonly tag: string; readonly accountNumber: string; readonly at: string }) {
      const entry = await batches.load(claim.tag);
      if (!entry) throw new Error(`voucher claim ${claim.hash}: batch ${claim.tag} is missing`);
      return deps.wallet.execute(claim.accountNumber, redemptionCommand(entry.batch, claim.hash, new Date(claim.at)), 'voucher-settlement');
    },
  };
}
