import { accountDecider, accountIdOf, type AccountCommand, type AccountEvent } from '../../../core/accounts/account';
import { DomainError, fold } from '../../../core/decider';

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
/** given these events, when this command: the events decided (or the error thrown) */
const when = (given: AccountEvent[], command: AccountCommand) => accountDecider.decide(command, fold(accountDecider, given));

describe('account decider', () => {
  const opened = when([], open);

  test('opening records the number, key fingerprint, currency, plan and directory evidence, under an id derived from the number', () => {
    expect(opened).toEqual([
      expect.objectContaining({
        type: 'AccountOpened',
        data: expect.objectContaining({ accountId: accountIdOf('+442079460958'), number: '+442079460958', keyFingerprint: 'fp' }),
      }),
    ]);
    expect(when([], open)[0]!.id).toBe(opened[0]!.id);
  });

  test('opening the same number again changes nothing', () => {
    expect(when([...opened], open)).toEqual([]);
  });

  test('suspend, reinstate, close; closed stays closed', () => {
    const suspended = when([...opened], { type: 'suspend', data: { reason: 'fraud check' } });
    expect(suspended.map((e) => e.type)).toEqual(['AccountSuspended']);
    expect(when([...opened, ...suspended], { type: 'suspend', data: { reason: 'again' } })).toEqual([]);
    expect(when([...opened, ...suspended], { type: 'reinstate', data: {} }).map((e) => e.type)).toEqual(['AccountReinstated']);
    const closed = when([...opened], { type: 'close', data: { reason: 'customer asked' } });
    expect(when([...opened, ...closed], { type: 'close', data: { reason: 'again' } })).toEqual([]);
    expect(() => when([...opened, ...closed], { type: 'reinstate', data: {} })).toThrow(DomainError);
    expect(() => when([...opened, ...closed], { type: 'suspend', data: { reason: 'x' } })).toThrow(/closed/);
    expect(() => when([], { type: 'close', data: { reason: 'x' } })).toThrow(/no such account/);
    expect(fold(accountDecider, [...opened, ...closed]).status).toBe('closed');
  });
});
