import type { SmsCommand } from '../../../core/sms/commands';

type AcceptData = Extract<SmsCommand, { readonly type: 'accept-sms' }>['data'];

/** A one-segment text to `to` at 0.05 a segment, under generous limits; `extra` overrides any field. */
export const acceptText = (smsId: string, to: string, extra: Partial<AcceptData> = {}): SmsCommand => ({
  type: 'accept-sms',
  data: {
    smsId,
    to,
    fingerprint: smsId,
    segmentation: { encoding: 'GSM-7', segments: 1, characters: 20 },
    retail: { prefix: '44', perSegment: '0.05', perMessage: '0' },
    limits: { maxSegments: 10, perMinute: 100, perDay: 1000 },
    chargeDecimals: 6,
    at: '2026-12-01T10:00:00.000Z',
    ...extra,
  },
});
