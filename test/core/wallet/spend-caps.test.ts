import { effectiveSpendCaps } from '../../../core/wallet/spend-caps';

describe('the spend caps that bind an account', () => {
  const provider = { perDay: '20', perMonth: '200' };
  test('the provider’s, unless the operator gave the account its own for a period', () => {
    expect(effectiveSpendCaps(provider, null)).toEqual(provider);
    expect(effectiveSpendCaps(provider, { perDay: '5', perMonth: null })).toEqual({ perDay: '5', perMonth: '200' });
    expect(effectiveSpendCaps(provider, { perDay: null, perMonth: '500' })).toEqual({ perDay: '20', perMonth: '500' });
  });
  test('an account’s own caps bind where the provider has none; none at all is no cap', () => {
    expect(effectiveSpendCaps(undefined, { perDay: '1', perMonth: null })).toEqual({ perDay: '1' });
    expect(effectiveSpendCaps(undefined, { perDay: null, perMonth: null })).toBeUndefined();
    expect(effectiveSpendCaps(undefined, null)).toBeUndefined();
  });
});
