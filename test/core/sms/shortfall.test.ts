import type { SmsCommand } from '../../../core/sms/commands';
import { balanceOf, type AccountStreamEvent } from '../../../core/wallet';
import { opened, stateOf, when } from '../wallet/given';

const T0 = Date.parse('2026-12-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const accept = (smsId: string, seconds: number): SmsCommand => ({
  type: 'accept-sms',
  data: {
    smsId,
    to: '+447911123456',
    fingerprint: 'f',
    segmentation: { encoding: 'GSM-7', segments: 1, characters: 20 },
    retail: { prefix: '44', perSegment: '0.05', perMessage: '0' },
    limits: { maxSegments: 10, perMinute: 100, perDay: 1000 },
    chargeDecimals: 6,
    at: at(seconds),
  },
});
const submit = (smsId: string, seconds: number): SmsCommand => ({
  type: 'record-sms-submission',
  data: {
    smsId,
    gatewayId: 'gw',
    messageIds: [`${smsId}-m0`],
    failedOver: [],
    cost: { prefix: '44', perSegment: '0.02', perMessage: '0', currency: 'EUR' },
    at: at(seconds),
  },
});
const ofType = <T extends AccountStreamEvent['type']>(events: readonly AccountStreamEvent[], type: T) =>
  events.filter((e): e is Extract<AccountStreamEvent, { type: T }> => e.type === type);

// 0.02 paid, and a 0.05 trial grant that expires 30 s after the text is accepted
const given: AccountStreamEvent[] = [
  ...opened,
  ...when(
    opened,
    { type: 'record-purchase', data: { processor: 'stripe', paymentId: 'pi', processorEventId: 'e', amount: '0.02', currency: 'EUR' } },
    {
      type: 'grant',
      data: {
        grantId: 'trial',
        amount: '0.05',
        currency: 'EUR',
        expiresAt: at(30),
        restriction: null,
        reason: 'trial',
        source: 'test',
      },
    },
  ),
];

describe('a text never creates debt', () => {
  test('a grant that expires between acceptance and submission: paid credit stops at zero, the provider absorbs the rest', () => {
    const events = when(given, accept('s1', 0), submit('s1', 60));
    const [charged] = ofType(events, 'SmsCharged');
    expect(charged!.data).toMatchObject({ amount: '0.05', fromGrants: [], fromPaid: '0.02' });
    expect(ofType(events, 'ChargeShortfall').map((e) => [e.data.kind, e.data.reference, e.data.amount, e.data.reason])).toEqual([
      ['sms', 's1', '0.03', 'credit-exhausted'],
    ]);
    expect(stateOf([...given, ...events]).paid.toFixed()).toBe('0');
  });

  test('its refund gives back what the customer paid and cancels what the provider absorbed', () => {
    const events = when(given, accept('s1', 0), submit('s1', 60), {
      type: 'record-sms-receipt',
      data: {
        smsId: 's1',
        gatewayId: 'gw',
        messageId: 's1-m0',
        status: 'failed',
        error: 'undeliverable',
        at: at(90),
      },
    });
    const [refunded] = ofType(events, 'SmsRefunded');
    expect(refunded!.data).toMatchObject({ amount: '0.05', toGrants: [], toPaid: '0.02', forfeited: '0', absorbed: '0.03' });
    const s = stateOf([...given, ...events]);
    expect(s.paid.toFixed()).toBe('0.02');
    expect(balanceOf(s).toFixed()).toBe('0.07'); // the expiry of the trial grant is not recorded yet
  });
});
