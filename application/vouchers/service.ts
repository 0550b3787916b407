import type { VoucherServiceDeps } from './deps';
import { voucherIssuing } from './issue';
import { issuedBatches } from './issued-batches';
import { voucherRedemption } from './redeem';

export type { VoucherServiceDeps } from './deps';
export { MAX_BATCH, type IssueRequest } from './issue';
export type { RedeemResult } from './redeem';

export function voucherService(deps: VoucherServiceDeps) {
  return {
    ...voucherIssuing(deps),
    ...voucherRedemption(deps, issuedBatches(deps)),
  };
}

export type VoucherService = ReturnType<typeof voucherService>;
