import { DomainError } from '../../../core/decider';
import type { SmsCommand } from '../../../core/sms/commands';
import { walletDecider } from '../../../core/wallet';
import { deciderSpec } from '../../support/decider-spec';
import { funded, when } from '../wallet/given';

const { given } = deciderSpec(walletDecider);
const accept = (smsId: string, segments = 1): SmsCommand => ({
  type: 'accept-sms',
  data: {
    smsId,
    to: '+447911123456',
    fingerprint: `f-${smsId}`,
    segmentation: { encoding: 'GSM-7', segments, characters: 100 },
    retail: { prefix: '44', perSegment: '0.05', perMessage: '0' },
    limits: { maxSegments: 3, perMinute: 10, perDay: 100 },
    chargeDecimals: 6,
    at: '2026-12-01T10:00:00.000Z',
  },
});
const credit = funded('1.00');

describe('the SMS decider, as sentences', () => {
  test('given credit, when a two-segment text is accepted, then its price is held', () => {
    given(credit)
      .when(accept('s1', 2))
      .then([expect.objectContaining({ type: 'SmsAccepted', data: expect.objectContaining({ segments: 2, amount: '0.1' }) })]);
  });

  test('given the text accepted, when the same request comes again, then nothing happens', () => {
    given(credit, when(credit, accept('s1')))
      .when(accept('s1'))
      .thenNothingHappened();
  });

  test('when a text needs more segments than allowed, then it is refused', () => {
    given(credit)
      .when(accept('s2', 4))
      .thenThrows(DomainError, /at most 3/);
  });

  test('given the text accepted, when no gateway takes it, then its hold is released', () => {
    const failed: SmsCommand = {
      type: 'fail-sms',
      data: { smsId: 's1', reason: 'no gateway', attempts: [], at: '2026-12-01T10:00:01.000Z' },
    };
    given(credit, when(credit, accept('s1')))
      .when(failed)
      .then([expect.objectContaining({ type: 'SmsFailed', data: expect.objectContaining({ released: '0.05' }) })]);
  });
});
