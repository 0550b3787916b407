import { retryDelaySeconds } from '../../../adapters/webhooks/dispatcher';

describe('retryDelaySeconds', () => {
  test('doubles from 2 s, within ±20 %, never past the cap nor under a second', () => {
    expect([1, 2, 3, 4].map((a) => retryDelaySeconds(a, 3600, () => 0.5))).toEqual([2, 4, 8, 16]);
    expect(retryDelaySeconds(3, 3600, () => 0)).toBeCloseTo(6.4);
    expect(retryDelaySeconds(3, 3600, () => 1)).toBeCloseTo(9.6);
    expect(retryDelaySeconds(20, 3600, () => 1)).toBe(3600);
    expect(retryDelaySeconds(1, 1, () => 0)).toBe(1);
  });
});
