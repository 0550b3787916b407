import { randomBytes } from 'node:crypto';
import { acceptAmount } from '../../core/amount-limits';
import { DomainError } from '../../core/decider';
import { WrongExpectedVersionError } from '../../core/event-store';
import { deriveId } from '../../core/ids';
import { currency as checkCurrency, money, MoneyError, toMinor } from '../../core/money';
import type { Restriction } from '../../core/wallet';
import { batchTag, codeHash, normalizeCode, voucherCode } from '../../core/vouchers/code';
import { batchStream, type VoucherBatch } from '../../core/vouchers/events';
import type { VoucherServiceDeps } from './deps';

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

const invalid = (message: string) => new DomainError('invalid-voucher-batch', message);

/** Refuses a count, amount or expiry no batch may have; returns the expiry instant. */
function checkRequest(deps: VoucherServiceDeps, request: IssueRequest): number {
  if (!Number.isInteger(request.count) || request.count < 1 || request.count > MAX_BATCH) throw invalid(`count must be 1 to ${MAX_BATCH}`);
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
  return expires;
}

export function voucherIssuing(deps: VoucherServiceDeps) {
  const random = deps.random ?? ((n: number) => randomBytes(n));
  return {
    /** Mints `count` codes; returns them once (only their hashes are stored). */
    async issue(request: IssueRequest): Promise<{ batch: VoucherBatch; codes: string[] }> {
      const expires = checkRequest(deps, request);
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
  };
}
