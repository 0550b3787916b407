import type { CallCommand, CallPolicy } from '../../../core/calls/commands';
import type { AccountStreamEvent, WalletCommand } from '../../../core/wallet';
import { accountDecider } from '../../../core/accounts/account';
import { fold } from '../../../core/decider';
import { emergencyNumberOf, emergencyTable, SHIPPED_EMERGENCY_NUMBERS } from '../../../core/calls/emergency-numbers';
import { EMERGENCY_CALL_HOLD_SECONDS } from '../../../core/calls/emergency';
import { moneyEffect } from '../../../core/wallet/money-effect';
import { answeredCdr } from './answered-cdr';
import { funded, opened, stateOf, when } from '../wallet/given';

const base: CallPolicy = { grantSeconds: 60, reservationTtlSeconds: 30, chargeDecimals: 6 };
const rescue = {
  carrierId: 'rescue',
  prefix: '44',
  currency: 'EUR',
  row: { rate: '0.02', connectFee: '0', initial: 1, subsequent: 1, minimum: 0 },
  uris: ['sip:999@127.0.0.1:5070;transport=udp'],
};
const T = (s: number) => new Date(Date.parse('2026-12-01T10:00:00.000Z') + s * 1000).toISOString();
const emergency = (callId: string, at = T(0)): CallCommand => ({
  type: 'authorize-emergency-call',
  data: { callId, dialed: '999', country: 'GB', carriers: [rescue], at },
});
const end = (callId: string, seconds: number, at = T(seconds)): CallCommand =>
  answeredCdr(callId, seconds, { answeredAt: T(0), endedAt: at, carrierId: 'rescue', policy: base });
const account = (log: readonly AccountStreamEvent[], c: Parameters<typeof accountDecider.decide>[0]) =>
  accountDecider.decide(
    c,
    fold(accountDecider, log.filter((e) => (accountDecider.evolvesOn as readonly string[]).includes(e.type)) as never),
  ) as AccountStreamEvent[];
const refusal = (given: readonly AccountStreamEvent[], c: WalletCommand) => {
  try {
    when(given, c);
  } catch (error) {
    return error as { code: string };
  }
  return null;
};

describe('emergency numbers', () => {
  test("a short code is an emergency number only in the caller's own country's list", () => {
    const table = emergencyTable({});
    expect(emergencyNumberOf('GB', '999', table)).toBe('999');
    expect(emergencyNumberOf('GB', '112', table)).toBe('112');
    expect(emergencyNumberOf('US', '911', table)).toBe('911');
    expect(emergencyNumberOf('DE', '911', table)).toBeNull();
    expect(emergencyNumberOf('GB', '+44999', table)).toBeNull();
    expect(emergencyNumberOf('GB', '9990', table)).toBeNull();
    expect(emergencyNumberOf('ZZ', '112', table)).toBeNull();
    // no prototype key is a country
    expect(emergencyNumberOf('__proto__', '112', table)).toBeNull();
    expect(emergencyNumberOf('constructor', '112', table)).toBeNull();
  });

  test("a provider's table replaces a country's list, [] removes it, the rest stay shipped", () => {
    const table = emergencyTable({ GB: ['999'], FR: [], XK: ['112'] });
    expect(emergencyNumberOf('GB', '112', table)).toBeNull();
    expect(emergencyNumberOf('GB', '999', table)).toBe('999');
    expect(emergencyNumberOf('FR', '112', table)).toBeNull();
    expect(emergencyNumberOf('XK', '112', table)).toBe('112');
    expect(emergencyNumberOf('DE', '112', table)).toBe('112');
    // every EU country has 112
    for (const c of ['AT', 'BE', 'DE', 'ES', 'FR', 'IT', 'NL', 'PL', 'SE']) expect(SHIPPED_EMERGENCY_NUMBERS[c]).toContain('112');
  });
});

describe('emergency calls', () => {
  test('let through with no credit at all, recorded, holding nothing, charged 0 at the end', () => {
    const [authorized] = when(opened, emergency('e1'));
    expect(authorized).toMatchObject({
      type: 'EmergencyCallAuthorized',
      data: { callId: 'e1', dialed: '999', country: 'GB', accountStatus: 'open', currency: 'EUR', carriers: [rescue] },
    });
    expect(authorized!.data).toMatchObject({ expiresAt: T(EMERGENCY_CALL_HOLD_SECONDS) });
    expect(moneyEffect(authorized!)).toBeNull();
    const log = [...opened, authorized!];
    expect(stateOf(log).calls.get('e1')).toMatchObject({ status: 'open', route: 'emergency', reserved: '0' });
    // the same call id again decides nothing
    expect(when(log, emergency('e1'))).toEqual([]);
    const ended = when(log, end('e1', 600));
    expect(ended.map((e) => e.type)).toEqual(['CallCharged', 'CarrierCostRecorded']);
    expect(ended[0]).toMatchObject({ data: { route: 'emergency', amount: '0', fromPaid: '0', fromGrants: [], seconds: 600 } });
    // the provider's carrier cost is recorded all the same: finance sees what emergency calls cost
    expect(ended[1]).toMatchObject({ data: { carrierId: 'rescue', cost: '0.2' } });
    expect(ended.map(moneyEffect)).toEqual([null, null]);
    expect(stateOf([...log, ...ended]).paid.toFixed()).toBe('0');
    expect(stateOf([...log, ...ended]).calls.has('e1')).toBe(false);
  });

  test('never cut: a CDR of hours charges 0 and is not capped by a grant', () => {
    const log = [...opened, ...when(opened, emergency('e2'))];
    const [charged] = when(log, end('e2', 5 * 3600));
    expect(charged).toMatchObject({ data: { seconds: 5 * 3600, amount: '0' } });
  });

  test('suspended and in-debt accounts may call; a closed one may not, nor an unknown one', () => {
    const suspended = [...opened, ...account(opened, { type: 'suspend', data: { reason: 'fraud review' } })];
    expect(refusal(suspended, { type: 'authorize-call', data: pstnCall('p') })?.code).toBe('account-not-open');
    expect(when(suspended, emergency('e3'))[0]).toMatchObject({ data: { accountStatus: 'suspended' } });
    const closed = [...opened, ...account(opened, { type: 'close', data: { reason: 'asked' } })];
    expect(refusal(closed, emergency('e4'))?.code).toBe('account-not-open');
    expect(refusal([], emergency('e5'))?.code).toBe('no-account');
    // a call spent some of the credit, then the whole payment was refunded: the account owes
    const spent = [...funded('1'), ...when(funded('1'), { type: 'authorize-call', data: pstnCall('x') }, end('x', 30))];
    const refund = {
      type: 'record-refund' as const,
      data: { processor: 'stripe', paymentId: 'pi', processorEventId: 'r', refundedTotal: '1', currency: 'EUR' },
    };
    const debt = [...spent, ...when(spent, refund)];
    expect(stateOf(debt).paid.isNegative()).toBe(true);
    expect(refusal(debt, { type: 'authorize-call', data: pstnCall('y') })?.code).toBe('in-debt');
    expect(when(debt, emergency('e6'))[0]!.type).toBe('EmergencyCallAuthorized');
  });

  test('no call limit refuses it, and it takes no slot from the paid calls', () => {
    const limited: CallPolicy = { ...base, limits: { maxConcurrentCalls: 1, maxCallsPerMinute: 1 } };
    const given = funded('10');
    const up = [...given, ...when(given, { type: 'authorize-call', data: pstnCall('a', limited) })];
    expect(refusal(up, { type: 'authorize-call', data: pstnCall('b', limited) })?.code).toBe('concurrent-call-limit');
    const withEmergency = [...up, ...when(up, emergency('e7', T(1)))];
    expect(withEmergency.at(-1)!.type).toBe('EmergencyCallAuthorized');
    // after the paid call ends, one paid call may start although the emergency call is up
    const ended = [...withEmergency, ...when(withEmergency, end('a', 10, T(20)))];
    expect(when(ended, { type: 'authorize-call', data: pstnCall('c', limited, T(70)) })[0]!.type).toBe('CallAuthorized');
  });

  test('a call id already used by a paid call is not made an emergency call', () => {
    const given = funded('10');
    const up = [...given, ...when(given, { type: 'authorize-call', data: pstnCall('a') })];
    expect(when(up, emergency('a'))).toEqual([]);
    expect(stateOf(up).calls.get('a')?.route).toBe('pstn');
  });
});

function pstnCall(callId: string, policy: CallPolicy = base, at = T(0)) {
  return {
    callId,
    destination: '+442079460000',
    route: {
      kind: 'pstn' as const,
      retail: { prefix: '44', row: { rate: '0.01', connectFee: '0', initial: 1, subsequent: 1, minimum: 0 } },
      carriers: [],
    },
    at,
    policy,
  };
}
