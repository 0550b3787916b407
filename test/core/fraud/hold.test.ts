import type { CallPolicy } from '../../../core/calls/commands';
import type { AccountStreamEvent, WalletCommand } from '../../../core/wallet';
import { acceptText } from '../sms/accept-text';
import { funded, stateOf, when } from '../wallet/given';

const policy: CallPolicy = { grantSeconds: 60, reservationTtlSeconds: 30, chargeDecimals: 6 };
const row = { rate: '0.01', connectFee: '0', initial: 1, subsequent: 1, minimum: 0 };
const AT = '2026-12-01T10:00:00.000Z';
const pstn = (callId: string): WalletCommand => ({
  type: 'authorize-call',
  data: { callId, destination: '+442079460000', route: { kind: 'pstn', retail: { prefix: '44', row }, carriers: [] }, at: AT, policy },
});
const onNet = (callId: string): WalletCommand => ({
  type: 'authorize-call',
  data: { callId, destination: '+442079460001', route: { kind: 'on-net', uri: 'sip:x@example.org' }, at: AT, policy },
});
const emergency = (callId: string): WalletCommand => ({
  type: 'authorize-emergency-call',
  data: { callId, dialed: '999', country: 'GB', carriers: [], at: AT },
});
const suspect = (rule: string, epoch: number): WalletCommand => ({
  type: 'suspect-fraud',
  data: { rule, epoch, summary: `${rule} fired`, evidence: { calls: 12, prefix: '239991' }, at: AT },
});
const clear: WalletCommand = { type: 'clear-fraud', data: { by: 'ops-1', note: 'customer called, legitimate', at: AT } };
const refusal = (given: readonly AccountStreamEvent[], c: WalletCommand) => {
  try {
    when(given, c);
  } catch (error) {
    return error as { code: string; details: Record<string, unknown> };
  }
  return null;
};

describe('a suspicion of fraud', () => {
  const given = funded('10');
  const held = [...given, ...when(given, suspect('short-calls-one-prefix', 0))];

  test('is recorded once, with its evidence, and holds PSTN calls and texts', () => {
    expect(held.at(-1)).toMatchObject({
      type: 'FraudSuspected',
      data: { suspicionId: 'short-calls-one-prefix:0', rule: 'short-calls-one-prefix', evidence: { calls: 12, prefix: '239991' } },
    });
    expect(when(held, suspect('short-calls-one-prefix', 0))).toEqual([]);
    expect(refusal(held, pstn('p1'))).toMatchObject({
      code: 'fraud-review',
      details: { suspicions: 'short-calls-one-prefix:0', rules: 'short-calls-one-prefix' },
    });
    const text = acceptText('s1', '+447700900123', { segmentation: { encoding: 'GSM-7', segments: 1, characters: 5 }, at: AT });
    // the same text is accepted without the hold
    expect(when(given, text)[0]!.type).toBe('SmsAccepted');
    expect(refusal(held, text)?.code).toBe('fraud-review');
  });

  test('leaves free on-net calls and emergency calls alone', () => {
    expect(when(held, onNet('n1'))[0]!.type).toBe('CallAuthorized');
    expect(when(held, emergency('e1'))[0]!.type).toBe('EmergencyCallAuthorized');
  });

  test('stops a call up from being extended: it ends at its grant', () => {
    const up = [...given, ...when(given, pstn('p2'))];
    const flagged = [...up, ...when(up, suspect('spend-spike', 0))];
    expect(refusal(flagged, { type: 'extend-call', data: { callId: 'p2', at: AT, policy } })?.code).toBe('fraud-review');
  });

  test('is cleared by an operator: calls go again, a stale suspicion from before the review records nothing', () => {
    const cleared = [...held, ...when(held, clear)];
    expect(cleared.at(-1)).toMatchObject({
      type: 'FraudCleared',
      data: { suspicionIds: ['short-calls-one-prefix:0'], by: 'ops-1', note: 'customer called, legitimate' },
    });
    expect(stateOf(cleared).fraud).toMatchObject({ open: {}, clears: 1, clearedAt: AT });
    expect(when(cleared, pstn('p3'))[0]!.type).toBe('CallAuthorized');
    // a detector lagging behind the log raises epoch 0 again: refused as stale
    expect(when(cleared, suspect('sms-pumping', 0))).toEqual([]);
    // clearing twice records nothing; a new suspicion after the review holds again
    expect(when(cleared, clear)).toEqual([]);
    const again = [...cleared, ...when(cleared, suspect('short-calls-one-prefix', 1))];
    expect(again.at(-1)).toMatchObject({ data: { suspicionId: 'short-calls-one-prefix:1' } });
    expect(refusal(again, pstn('p4'))?.code).toBe('fraud-review');
  });

  test('clearing what was reviewed: a suspicion raised since is refused, not cleared unseen', () => {
    const two = [...held, ...when(held, suspect('sms-pumping', 0))];
    const reviewed = (ids: string[]): WalletCommand => ({ type: 'clear-fraud', data: { ...clear.data, suspicionIds: ids } });
    expect(refusal(two, reviewed(['short-calls-one-prefix:0']))).toMatchObject({ code: 'suspicions-changed' });
    expect(when(two, reviewed(['short-calls-one-prefix:0', 'sms-pumping:0']))[0]).toMatchObject({
      type: 'FraudCleared',
      data: { suspicionIds: ['short-calls-one-prefix:0', 'sms-pumping:0'] },
    });
  });

  test('moves no money: the balance is what it was', () => {
    expect(stateOf(held).paid.toFixed()).toBe(stateOf(given).paid.toFixed());
  });
});
