import { DomainError } from '../../../core/decider';
import { redemptionCommand } from '../../../core/vouchers/redemption';
import type { VoucherBatch } from '../../../core/vouchers/events';
import { walletDecider } from '../../../core/wallet';
import { deciderSpec } from '../../support/decider-spec';
import { opened, when } from '../wallet/given';

const { given } = deciderSpec(walletDecider);
const AT = new Date('2026-12-01T00:00:00Z');
const batch = (funding: 'paid' | 'granted'): VoucherBatch =>
  ({
    batchId: 'b1',
    codeHashes: ['h1', 'h2'],
    amount: '5.00',
    currency: 'EUR',
    expiresAt: '2027-01-01T00:00:00Z',
    funding,
    grantValidDays: funding === 'granted' ? 30 : null,
    restriction: null,
  }) as unknown as VoucherBatch;

describe('redeeming a voucher, as sentences', () => {
  test('given an open account, when a prepaid code is redeemed, then its amount is paid credit', () => {
    given(opened)
      .when(redemptionCommand(batch('paid'), 'h1', AT))
      .then([expect.objectContaining({ type: 'VoucherRedeemed', data: expect.objectContaining({ amount: '5', funding: 'paid' }) })]);
  });

  test('given the code redeemed, when it is redeemed again, then nothing happens', () => {
    const first = redemptionCommand(batch('granted'), 'h1', AT);
    given(opened, when(opened, first)).when(first).thenNothingHappened();
  });

  test('a code of another batch, or after the batch expired, is refused before the wallet sees it', () => {
    expect(() => redemptionCommand(batch('paid'), 'nope', AT)).toThrow(DomainError);
    expect(() => redemptionCommand(batch('paid'), 'h1', new Date('2027-02-01T00:00:00Z'))).toThrow(/expired/);
  });
});
