import { accountDecider } from '../../../core/accounts/account';
import type { CallCommand } from '../../../core/calls/commands';
import type { DomainError } from '../../../core/decider';
import { parseE164 } from '../../../core/e164';
import { riskClassOf, riskClassOfPrefix } from '../../../core/rating/risk-classes';
import type { SmsCommand } from '../../../core/sms/commands';
import type { AccountStreamEvent, WalletCommand } from '../../../core/wallet';
import { acceptText } from '../sms/accept-text';
import { funded, stateOf, when } from '../wallet/given';

const lists = { satellite: ['870', '8816'], 'high-cost': ['252'] };
const row = { rate: '0.01', connectFee: '0', initial: 1, subsequent: 1, minimum: 0 };
const call = (callId: string, destination: string, riskClass: ReturnType<typeof riskClassOf>): CallCommand => ({
  type: 'authorize-call',
  data: {
    callId,
    destination,
    route: { kind: 'pstn', retail: { prefix: '44', row }, carriers: [], riskClass },
    at: '2026-12-01T10:00:00.000Z',
    policy: { grantSeconds: 60, reservationTtlSeconds: 30, chargeDecimals: 6 },
  },
});
const text = (smsId: string, to: string, riskClass: ReturnType<typeof riskClassOf>): SmsCommand => acceptText(smsId, to, { riskClass });
const refusal = (given: readonly AccountStreamEvent[], c: WalletCommand) => {
  try {
    when(given, c);
  } catch (error) {
    return error as DomainError;
  }
  return null;
};

describe('destination risk classes', () => {
  test('the provider’s prefix lists first, then the numbering plan’s premium-rate and shared-cost types', () => {
    expect(riskClassOf(parseE164('+870772001234'), lists)).toBe('satellite');
    expect(riskClassOf(parseE164('+252612345678'), lists)).toBe('high-cost');
    expect(riskClassOf(parseE164('+449098790000'), lists)).toBe('premium-rate');
    expect(riskClassOf(parseE164('+33810123456'), lists)).toBe('shared-cost');
    expect(riskClassOf(parseE164('+442079460958'), lists)).toBeNull();
    expect(riskClassOf(parseE164('+447911123456'), lists)).toBeNull();
    // the same number under other lists is classified again, not taken from the memo of the first
    expect(riskClassOf(parseE164('+252612345678'), {})).toBeNull();
  });

  test('calls and texts to a risk class are refused until an operator allows that class for the account', () => {
    const given = funded('10');
    expect(refusal(given, call('c1', '+449098790000', 'premium-rate'))).toMatchObject({
      code: 'risky-destination',
      details: { riskClass: 'premium-rate' },
    });
    expect(refusal(given, text('s1', '+449098790000', 'premium-rate'))?.code).toBe('risky-destination');
    const account = given.reduce(
      (s, e) => ((accountDecider.evolvesOn as readonly string[]).includes(e.type) ? accountDecider.evolve(s, e as never) : s),
      accountDecider.initialState,
    );
    const allowed = [
      ...given,
      ...(accountDecider.decide({ type: 'allow-risk-classes', data: { classes: ['premium-rate'] } }, account) as AccountStreamEvent[]),
    ];
    expect(stateOf(allowed).riskClassesAllowed).toEqual(['premium-rate']);
    expect(when(allowed, call('c1', '+449098790000', 'premium-rate'))[0]!.type).toBe('CallAuthorized');
    expect(when(allowed, text('s1', '+449098790000', 'premium-rate'))[0]!.type).toBe('SmsAccepted');
    // another class stays blocked
    expect(refusal(allowed, call('c2', '+870772001234', 'satellite'))?.code).toBe('risky-destination');
  });
});

describe('the risk class of a rate-sheet prefix', () => {
  const lists = { satellite: ['8816'], 'high-cost': ['239'] };
  test('a prefix inside a listed one, or whose numbers the plan types as premium-rate or shared-cost', () => {
    expect(riskClassOfPrefix('88165', lists)).toBe('satellite');
    expect(riskClassOfPrefix('2399', lists)).toBe('high-cost');
    expect(riskClassOfPrefix('4490', lists)).toBe('premium-rate');
    expect(riskClassOfPrefix('33810', lists)).toBe('shared-cost');
    // whole premium ranges of plans whose numbers cannot start with 0
    expect(riskClassOfPrefix('1900', lists)).toBe('premium-rate');
    expect(riskClassOfPrefix('49900', lists)).toBe('premium-rate');
  });
  test('a prefix only partly risky, or not at all, is not marked', () => {
    expect(riskClassOfPrefix('44', lists)).toBeNull();
    expect(riskClassOfPrefix('881', lists)).toBeNull();
    expect(riskClassOfPrefix('447', lists)).toBeNull();
    expect(riskClassOfPrefix('4420', lists)).toBeNull();
  });
});
