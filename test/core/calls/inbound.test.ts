import type { CallCommand } from '../../../core/calls/commands';
import type { AccountStreamEvent, WalletCommand } from '../../../core/wallet';
import { walletDecider } from '../../../core/wallet';
import { moneyEffect } from '../../../core/wallet/money-effect';
import { opened, stateOf, when } from '../wallet/given';

const inbound = (callId: string): CallCommand => ({
  type: 'receive-inbound-call',
  data: { callId, caller: '+33142685300', peer: 'providerb.test', at: '2026-12-01T10:00:00.000Z' },
});
const ACCOUNT = (opened[0]!.data as { accountId: string }).accountId;
const closed: AccountStreamEvent[] = [...opened, { type: 'AccountClosed', data: { accountId: ACCOUNT, reason: 'test' } }];
const suspended: AccountStreamEvent[] = [...opened, { type: 'AccountSuspended', data: { accountId: ACCOUNT, reason: 'test' } }];
const refusal = (given: readonly AccountStreamEvent[], c: WalletCommand) => {
  try {
    when(given, c);
  } catch (error) {
    return (error as { code: string }).code;
  }
  return null;
};

describe("a peer provider's call to a user", () => {
  test('recorded on the callee account with the asserted caller and the peer, moving and holding no money', () => {
    const [received] = when(opened, inbound('in-1'));
    expect(received).toMatchObject({
      type: 'PeerCallReceived',
      data: { accountId: ACCOUNT, callId: 'in-1', caller: '+33142685300', peer: 'providerb.test', currency: 'EUR' },
    });
    expect(moneyEffect(received!)).toBeNull();
    const s = stateOf([...opened, received!]);
    expect(s.calls.size).toBe(0);
    expect(s.reserved.toFixed()).toBe('0');
    expect(s.paid.toFixed()).toBe('0');
  });

  test('the same call id twice is one event (its id derives from the call)', () => {
    const [a] = when(opened, inbound('in-2'));
    const [b] = when([...opened, a!], inbound('in-2'));
    expect(b!.id).toBe(a!.id);
    expect(walletDecider.decide(inbound('in-3'), stateOf(opened))[0]!.id).not.toBe(a!.id);
  });

  test('refused for a number that is no account here or is closed; a suspended user still receives', () => {
    expect(refusal([], inbound('in-4'))).toBe('no-account');
    expect(refusal(closed, inbound('in-5'))).toBe('account-not-open');
    expect(when(suspended, inbound('in-6'))).toHaveLength(1);
  });
});
