import { randomBytes } from 'node:crypto';
import { acceptAmount, type AmountLimits } from '../../core/amount-limits';
import type { Clock } from '../../core/clock';
import { DomainError } from '../../core/decider';
import { EventIdConflictError, WrongExpectedVersionError, type EventStore } from '../../core/event-store';
import { deriveId, type IdGenerator } from '../../core/ids';
import { currency as checkCurrency, money, MoneyError, toMinor } from '../../core/money';
import type { Restriction } from '../../core/wallet';
import { batchTag, codeHash, normalizeCode, voucherCode, VoucherCodeError } from '../../core/vouchers/code';
import { batchStream, claimStream, voucherCodec, type VoucherBatch } from '../../core/vouchers/events';
import { redemptionCommand } from '../../core/vouchers/redemption';
import type { WalletService } from '../wallet/service';

export const MAX_BATCH = 10_000;

export interface IssueRequest {
  readonly count: number;
  readonly amount: string;
  readonly currency: string;
  readonly expiresAt: string;
  readonly funding: 'paid' | 'granted';
  readonly grantValidDays: number | null;
  readonly restriction: Restriction | null;
  readonly note: string;
  readonly issuedBy: string;
  /** The same key issues one batch only: a retry is refused instead of minting a second liability. */
  readonly idempotencyKey?: string;
}

export interface RedeemResult {
  /** `redeemed` now, or `already-yours` (this account redeemed it before: nothing changed). */
  readonly outcome: 'redeemed' | 'already-yours';
  readonly batchId: string;
  readonly amount: string;
  readonly currency: string;
  readonly funding: 'paid' | 'granted';
  readonly position: number | null;
}

export interface VoucherServiceDeps {
  readonly store: EventStore;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly wallet: WalletService;
  /** Per currency, the largest amount and the most decimal places a batch's codes may carry. */
  readonly amountLimits: AmountLimits;
  readonly random?: (bytes: number) => Uint8Array;
}

const invalid = (message: string) => new DomainError('invalid-voucher-batch', message);

export function voucherService(deps: VoucherServiceDeps) {
  const random = deps.random ?? ((n: number) => randomBytes(n));
  // batches never change once issued: cache their hash sets
  const batches = new Map<string, { batch: VoucherBatch; hashes: ReadonlySet<string> }>();

  async function loadBatch(tag: string) {
    const cached = batches.get(tag);
    if (cached) return cached;
    for await (const recorded of deps.store.readStream(batchStream(tag))) {
      const e = voucherCodec.decode(recorded);
      if (e.type !== 'VoucherBatchIssued') continue;
      const entry = { batch: e.data, hashes: new Set(e.data.codeHashes) };
      if (batches.size > 1000) batches.clear();
      batches.set(tag, entry);
      return entry;
    }
    return null;
  }

  async function claimOwner(hash: string): Promise<string | null> {
    for await (const recorded of deps.store.readStream(claimStream(hash))) {
      const e = voucherCodec.decode(recorded);
      if (e.type === 'VoucherClaimed') return e.data.accountNumber;
    }
    return null;
  }

  return {
    /** Mints `count` codes; returns them once (only their hashes are stored). */
    async issue(request: IssueRequest): Promise<{ batch: VoucherBatch; codes: string[] }> {
      if (!Number.isInteger(request.count) || request.count < 1 || request.count > MAX_BATCH)
        throw invalid(`count must be 1 to ${MAX_BATCH}`);
      try {
        checkCurrency(request.currency);
        const value = money(request.amount, request.currency);
        if (!value.amount.greaterThan(0)) throw invalid('amount must be more than zero');
        toMinor(value);
        acceptAmount(deps.amountLimits, request.amount, request.currency);
      } catch (error) {
        if (error instanceof MoneyError) throw invalid(error.message);
        throw error;
      }
      const expires = Date.parse(request.expiresAt);
      if (Number.isNaN(expires) || expires <= deps.clock.now().getTime()) throw invalid('expiresAt must be an instant in the future');
      const tag = request.idempotencyKey
        ? batchTag(Buffer.from(deriveId('voucher-batch-key', request.idempotencyKey).replace(/-/g, ''), 'hex'))
        : batchTag(random(5));
      const codes: string[] = [];
      const hashes = new Set<string>();
      while (codes.length < request.count) {
        const code = voucherCode(tag, random(10));
        const hash = codeHash(normalizeCode(code).canonical);
        if (hashes.has(hash)) continue;
        hashes.add(hash);
        codes.push(code);
      }
      const batch: VoucherBatch = {
        batchId: deriveId('voucher-batch', tag),
        tag,
        amount: money(request.amount, request.currency).amount.toFixed(),
        currency: request.currency,
        funding: request.funding,
        expiresAt: new Date(expires).toISOString(),
        grantValidDays: request.funding === 'granted' ? request.grantValidDays : null,
        restriction: request.funding === 'granted' ? request.restriction : null,
        note: request.note,
        issuedBy: request.issuedBy,
        codeHashes: [...hashes],
      };
      try {
        await deps.store.append(
          batchStream(tag),
          [{ id: deps.ids.next(), type: 'VoucherBatchIssued', schemaVersion: 1, data: batch, metadata: { actor: request.issuedBy } }],
          'no-stream',
        );
      } catch (error) {
        if (error instanceof WrongExpectedVersionError)
          throw new DomainError('voucher-batch-exists', 'a batch was issued with this idempotency key already; its codes were shown then');
        throw error;
      }
      return { batch, codes };
    },

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
      const entry = await loadBatch(parsed.tag);
      if (!entry || !entry.hashes.has(hash)) throw new DomainError('unknown-voucher', 'no such voucher code');
      const now = deps.clock.now();
      const command = redemptionCommand(entry.batch, hash, now);
      // refuse before claiming: a claim by an account that cannot take the credit would burn the code
      const wallet = await deps.wallet.state(number);
      if (wallet.status === 'none') throw new DomainError('no-account', 'there is no such account');
      if (wallet.status !== 'open') throw new DomainError('account-not-open', `the account is ${wallet.status}`);
      if (wallet.currency !== entry.batch.currency)
        throw new DomainError('currency-mismatch', `this voucher is in ${entry.batch.currency}; the account is kept in ${wallet.currency}`);
      if (!wallet.vouchers[hash]) {
        try {
          await deps.store.append(
            claimStream(hash),
            [
              {
                id: deriveId('voucher-claimed', hash, number),
                type: 'VoucherClaimed',
                schemaVersion: 1,
                data: { codeHash: hash, batchId: entry.batch.batchId, tag: parsed.tag, accountNumber: number, at: now.toISOString() },
                metadata: { actor: number },
              },
            ],
            'no-stream',
          );
        } catch (error) {
          if (!(error instanceof WrongExpectedVersionError || error instanceof EventIdConflictError)) throw error;
        }
        const owner = await claimOwner(hash);
        if (owner !== number) throw new DomainError('voucher-redeemed', 'this voucher was redeemed already');
      }
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
      const entry = await loadBatch(claim.tag);
      if (!entry) throw new Error(`voucher claim ${claim.hash}: batch ${claim.tag} is missing`);
      return deps.wallet.execute(claim.accountNumber, redemptionCommand(entry.batch, claim.hash, new Date(claim.at)), 'voucher-settlement');
    },
  };
}

export type VoucherService = ReturnType<typeof voucherService>;
