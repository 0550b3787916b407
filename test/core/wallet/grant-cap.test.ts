import type { CallPolicy } from '../../../core/calls/commands';
import type { AccountStreamEvent, WalletCommand } from '../../../core/wallet';
import { answeredCdr } from '../calls/answered-cdr';
import { funded, opened, stateOf, when } from './given';

const policy: CallPolicy = { grantSeconds: 3600, reservationTtlSeconds: 30, chargeDecimals: 6 };
// 0.015 a minute, per second: 0.05 pays 200 s
const row = { rate: '0.015', connectFee: '0', initial: 1, subsequent: 1, minimum: 0 };
const AT = '2026-12-01T10:00:00.000Z';
const trial = (amount: string, restriction: Record<string, unknown>): WalletCommand => ({
  type: 'grant',
  data: {
    grantId: 'trial',
    amount,
    currency: 'EUR',
    reason: 'trial',
    source: 'trial-credit',
    expiresAt: null,
    restriction: restriction as never,
  },
});
const authorize = (callId: string): WalletCommand => ({
  type: 'authorize-call',
  data: { callId, destination: '+442079460000', route: { kind: 'pstn', retail: { prefix: '44', row }, carriers: [] }, at: AT, policy },
});
const end = (callId: string, seconds: number): WalletCommand => answeredCdr(callId, seconds, { endedAt: AT, policy });
const refusal = (given: readonly AccountStreamEvent[], c: WalletCommand) => {
  try {
    when(given, c);
  } catch (error) {
    return (error as { code: string }).code;
  }
  return null;
};

describe('trial credit capped per charge (restriction.maxPerCharge)', () => {
  test('a trial-only account: one call may spend 0.05 of it, however much is left; the next call another 0.05', () => {
    const given = [...opened, ...when(opened, trial('1.00', { countries: ['GB'], maxPerCharge: '0.05' }))];
    const [authorized] = when(given, authorize('a'));
    expect(authorized).toMatchObject({ type: 'CallAuthorized', data: { grantedSeconds: 200, reserved: '0.05' } });
    const up = [...given, authorized!];
    // no more for the same call, and no second call while it holds the cap
    expect(refusal(up, { type: 'extend-call', data: { callId: 'a', at: AT, policy } })).toBe('insufficient-credit');
    expect(refusal(up, authorize('b'))).toBe('insufficient-credit');
    const ended = [...up, ...when(up, end('a', 200))];
    expect(ended.find((e) => e.type === 'CallCharged')).toMatchObject({
      data: { amount: '0.05', fromGrants: [{ grantId: 'trial', amount: '0.05' }], fromPaid: '0' },
    });
    expect(stateOf(ended).grants[0]!.remaining.toFixed()).toBe('0.95');
    expect(when(ended, authorize('b'))[0]).toMatchObject({ data: { grantedSeconds: 200 } });
  });

  test('with paid credit too: the grant pays its cap, paid credit the rest', () => {
    const given = [...funded('1'), ...when(funded('1'), trial('1.00', { maxPerCharge: '0.05' }))];
    const up = [...given, ...when(given, authorize('c'))];
    const charged = when(up, end('c', 600)).find((e) => e.type === 'CallCharged');
    expect(charged).toMatchObject({ data: { amount: '0.15', fromGrants: [{ grantId: 'trial', amount: '0.05' }], fromPaid: '0.1' } });
  });

  test('a cap alone restricts no destination: a plugin’s charge with none is paid from the grant, up to the cap', () => {
    const given = [...opened, ...when(opened, trial('1.00', { maxPerCharge: '0.05' }))];
    const charge = (chargeId: string, amount: string): WalletCommand => ({
      type: 'charge',
      data: { chargeId, chargeKind: 'call', reference: chargeId, destination: null, amount, currency: 'EUR', at: AT },
    });
    expect(when(given, charge('x', '0.04'))[0]).toMatchObject({ type: 'WalletCharged', data: { fromGrants: [{ amount: '0.04' }] } });
    // a plugin's charge records what was delivered: past the cap it falls on paid credit
    expect(when(given, charge('y', '0.06'))[0]).toMatchObject({ data: { fromGrants: [{ amount: '0.05' }], fromPaid: '0.01' } });
  });
});
