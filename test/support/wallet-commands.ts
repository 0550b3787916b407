import type { WalletCommand } from '../../core/wallet';
import type { seeded } from './random';

const stripe = { processor: 'stripe' } as const;
const CALL_POLICY = { grantSeconds: 120, reservationTtlSeconds: 60, chargeDecimals: 6 };
const CALL_ROUTE = {
  kind: 'pstn' as const,
  retail: { prefix: '44', row: { rate: '0.137', connectFee: '0.01', initial: 30, subsequent: 6, minimum: 0 } },
  carriers: [],
};
const amountOf = (r: ReturnType<typeof seeded>) => `${r.int(0, 30)}.${r.digits(r.int(0, 4))}`.replace(/\.$/, '');
const DESTINATIONS = ['+442079460000', '+447700900123', '+33142685300', null];

/** A random wallet command on account pi_1…6 payments, dp_1…3 disputes, g1…8 grants, h1…5 vouchers, at hour `step`; `ns` prefixes the ids of outside facts (which are unique store-wide). */
export function randomCommand(r: ReturnType<typeof seeded>, step: number, ns = ''): WalletCommand {
  const pi = `${ns}pi_${r.int(1, 6)}`;
  const at = new Date(Date.UTC(2026, 11, 1) + step * 3_600_000).toISOString();
  const call = `${ns}call${r.int(1, 6)}`;
  const sms = `${ns}sms${r.int(1, 6)}`;
  switch (r.int(0, 15)) {
    case 12:
      return {
        type: 'accept-sms',
        data: {
          smsId: sms,
          to: r.pick(['+447911123456', '+33612345678']),
          fingerprint: r.pick(['f1', 'f1', 'f2']),
          segmentation: { encoding: 'GSM-7', segments: r.int(1, 4), characters: 100 },
          retail: { prefix: '44', perSegment: r.pick(['0.05', '0.0375']), perMessage: r.pick(['0', '0.01']) },
          limits: { maxSegments: 10, perMinute: 100, perDay: 1000 },
          chargeDecimals: 6,
          at,
        },
      };
    case 13:
      return {
        type: 'record-sms-submission',
        data: {
          smsId: sms,
          gatewayId: 'gw',
          messageIds: Array.from({ length: r.int(1, 3) }, (_, i) => `${sms}-m${i}`),
          failedOver: [],
          cost: { prefix: '44', perSegment: '0.02', perMessage: '0', currency: 'EUR' },
          at,
        },
      };
    case 14:
      return { type: 'fail-sms', data: { smsId: sms, reason: 'no gateway', attempts: [], at } };
    case 15:
      return {
        type: 'record-sms-receipt',
        data: {
          smsId: sms,
          gatewayId: 'gw',
          messageId: `${sms}-m${r.int(0, 2)}`,
          status: r.pick(['delivered', 'delivered', 'failed', 'expired'] as const),
          error: null,
          at,
        },
      };
    case 9:
      return {
        type: 'authorize-call',
        data: {
          callId: call,
          destination: r.pick(['+442079460000', '+33142685300']),
          route: CALL_ROUTE,
          at,
          policy: CALL_POLICY,
        },
      };
    case 10:
      return {
        type: 'end-call',
        data: {
          callId: call,
          origin: 'k',
          answered: r.pick([true, true, false]),
          seconds: r.int(0, 400) / 10,
          answeredAt: at,
          endedAt: at,
          carrierId: null,
          reason: 'BYE',
          cdr: {},
          policy: CALL_POLICY,
        },
      };
    case 11:
      return { type: 'expire-reservations', data: { at } };
    case 0:
      return {
        type: 'start-top-up',
        data: { ...stripe, paymentId: pi, amount: amountOf(r), credit: amountOf(r), currency: 'EUR', requestKey: pi },
      };
    case 1:
      return {
        type: 'record-purchase',
        data: {
          ...stripe,
          paymentId: pi,
          processorEventId: `e${step}`,
          amount: amountOf(r),
          currency: r.pick(['EUR', 'EUR', 'USD']),
        },
      };
    case 2:
      return {
        type: 'record-refund',
        data: { ...stripe, paymentId: pi, processorEventId: `e${step}`, refundedTotal: amountOf(r), currency: 'EUR' },
      };
    case 3:
    case 4: {
      const kind = r.pick(['record-chargeback', 'reverse-chargeback'] as const);
      return {
        type: kind,
        data: {
          ...stripe,
          paymentId: pi,
          processorEventId: `e${step}`,
          disputeId: `${ns}dp_${r.int(1, 3)}`,
          amount: amountOf(r),
          currency: 'EUR',
        },
      };
    }
    case 5: {
      const expiresAt = r.pick([null, new Date(Date.parse(at) + r.int(-5, 30) * 3_600_000).toISOString()]);
      const restriction = r.pick([null, { countries: ['GB'] }, { prefixes: ['33'] }, { numberTypes: ['mobile' as const] }]);
      return {
        type: 'grant',
        data: {
          grantId: `g${r.int(1, 8)}`,
          amount: amountOf(r),
          currency: 'EUR',
          reason: 'promo',
          source: 'p',
          expiresAt,
          restriction,
        },
      };
    }
    case 6: {
      const funding = r.pick(['paid', 'granted'] as const);
      const h = `${ns}h${r.int(1, 5)}`;
      return {
        type: 'redeem-voucher',
        data: {
          codeHash: h,
          batchId: 'b',
          amount: amountOf(r),
          currency: 'EUR',
          funding,
          grant: funding === 'granted' ? { grantId: `v:${h}`, expiresAt: null, restriction: null } : null,
        },
      };
    }
    case 7:
      return { type: 'expire', data: { at } };
    default:
      return {
        type: 'charge',
        data: {
          chargeId: `${ns}c${step}`,
          chargeKind: 'call',
          reference: 'r',
          destination: r.pick(DESTINATIONS),
          amount: amountOf(r),
          currency: 'EUR',
          at,
        },
      };
  }
}
