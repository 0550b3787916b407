import { accountDecider, accountIdOf, type AccountCommand } from '../../../core/accounts/account';
import { DomainError, fold } from '../../../core/decider';
import { deciderSpec } from '../../support/decider-spec';

const open: AccountCommand = {
  type: 'open',
  data: {
    number: '+442079460958',
    keyFingerprint: 'fp',
    currency: 'EUR',
    plan: 'retail',
    directory: { source: 'dnssec:test', authenticated: true, ttlSeconds: 60, at: '2026-11-25T12:00:00.000Z' },
  },
};
const { given } = deciderSpec(accountDecider);

describe('account decider', () => {
  const opened = given().when(open).events();

  test('opening records the number, key fingerprint, currency, plan and directory evidence, under an id derived from the number', () => {
    given()
      .when(open)
      .then([
        expect.objectContaining({
          type: 'AccountOpened',
          id: opened[0]!.id,
          data: expect.objectContaining({ accountId: accountIdOf('+442079460958'), number: '+442079460958', keyFingerprint: 'fp' }),
        }),
      ]);
  });

  test('opening the same number again changes nothing', () => {
    given(opened).when(open).thenNothingHappened();
  });

  test('suspend, reinstate, close; closed stays closed', () => {
    const suspended = given(opened)
      .when({ type: 'suspend', data: { reason: 'fraud check' } })
      .then([expect.objectContaining({ type: 'AccountSuspended' })]);
    given(opened, suspended)
      .when({ type: 'suspend', data: { reason: 'again' } })
      .thenNothingHappened();
    given(opened, suspended)
      .when({ type: 'reinstate', data: {} })
      .then([expect.objectContaining({ type: 'AccountReinstated' })]);
    const closed = given(opened)
      .when({ type: 'close', data: { reason: 'customer asked' } })
      .events();
    given(opened, closed)
      .when({ type: 'close', data: { reason: 'again' } })
      .thenNothingHappened();
    given(opened, closed).when({ type: 'reinstate', data: {} }).thenThrows(DomainError);
    given(opened, closed)
      .when({ type: 'suspend', data: { reason: 'x' } })
      .thenThrows(/closed/);
    given()
      .when({ type: 'close', data: { reason: 'x' } })
      .thenThrows(/no such account/);
    expect(fold(accountDecider, [...opened, ...closed]).status).toBe('closed');
  });

  test('the account’s own low-balance threshold: set, changed, cleared; the same again records nothing', () => {
    const set = (threshold: string | null) => ({ type: 'set-low-balance-threshold' as const, data: { threshold } });
    const five = given(opened)
      .when(set('5'))
      .then([expect.objectContaining({ type: 'LowBalanceThresholdSet', data: expect.objectContaining({ threshold: '5' }) })]);
    given(opened, five).when(set('5')).thenNothingHappened();
    const cleared = given(opened, five)
      .when(set(null))
      .then([expect.objectContaining({ data: expect.objectContaining({ threshold: null }) })]);
    given(opened).when(set(null)).thenNothingHappened();
    expect(fold(accountDecider, [...opened, ...five]).lowBalanceThreshold).toBe('5');
    expect(fold(accountDecider, [...opened, ...five, ...cleared]).lowBalanceThreshold).toBeNull();
    given()
      .when(set('1'))
      .thenThrows(/no such account/);
    const closed = given(opened)
      .when({ type: 'close', data: { reason: 'x' } })
      .events();
    given(opened, closed)
      .when(set('1'))
      .thenThrows(/closed/);
  });
});
