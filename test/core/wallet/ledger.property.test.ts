import { Decimal } from '../../../core/money';
import { balanceOf, grantedOf, type AccountStreamEvent } from '../../../core/wallet';
import { DomainError } from '../../../core/decider';
import { seeded } from '../../support/random';
import { randomCommand } from '../../support/wallet-commands';
import { opened, stateOf, when } from './given';

const sign: Partial<Record<AccountStreamEvent['type'], 1 | -1>> = {
  CreditGranted: 1,
  ChargebackReversed: 1,
  CreditExpired: -1,
  CreditRefunded: -1,
  ChargebackDebited: -1,
  WalletCharged: -1,
  CallCharged: -1,
  SmsCharged: -1,
  // a charge's part beyond the account's credit moves none of it: the provider absorbs it
  ChargeShortfall: 1,
};

/** purchases + grants + vouchers + reversals + SMS refunds + shortfalls − expiries − refunds − chargebacks − charges, from the events alone. */
function ledgerSum(events: readonly AccountStreamEvent[]): Decimal {
  let sum = new Decimal(0);
  for (const e of events) {
    if (e.type === 'CreditPurchased') sum = sum.plus(e.data.credit);
    else if (e.type === 'VoucherRedeemed') sum = sum.plus(e.data.amount);
    // a refund returns the charge less what went back to a promotion that has expired since
    // … and less what the provider had absorbed of the charge
    else if (e.type === 'SmsRefunded') sum = sum.plus(e.data.amount).minus(e.data.forfeited).minus(e.data.absorbed);
    else if (sign[e.type] && 'amount' in e.data) sum = sum.plus(new Decimal(e.data.amount).times(sign[e.type]!));
  }
  return sum;
}

describe('wallet ledger (property)', () => {
  test('for any sequence of commands: balance = the signed sum of the ledger, exactly; no grant lot goes below zero', () => {
    const seen = new Map<string, number>();
    for (let seed = 1; seed <= 300; seed++) {
      const r = seeded(seed);
      const events: AccountStreamEvent[] = [...opened];
      for (let step = 0; step < 60; step++) {
        try {
          events.push(...when(events, randomCommand(r, step)));
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
        }
      }
      for (const e of events) seen.set(e.type, (seen.get(e.type) ?? 0) + 1);
      const s = stateOf(events);
      expect({ seed, balance: balanceOf(s).toFixed() }).toEqual({ seed, balance: ledgerSum(events).toFixed() });
      for (const g of s.grants) expect(g.remaining.isNegative() && !g.remaining.isZero()).toBe(false);
      expect(grantedOf(s).isNegative() && !grantedOf(s).isZero()).toBe(false);
      // the reserved total is what the open calls hold, never below zero
      // … and what accepted texts hold until a gateway takes them
      const held = [...s.calls.values()]
        .reduce((sum, c) => sum.plus(c.reserved), new Decimal(0))
        .plus([...s.sms.values()].reduce((sum, m) => (m.charged ? sum : sum.plus(m.amount)), new Decimal(0)));
      expect([seed, s.reserved.toFixed()]).toEqual([seed, held.toFixed()]);
      expect(s.reserved.isNegative() && !s.reserved.isZero()).toBe(false);
      // every charge is split exactly: grants + paid (+ what the provider absorbed, for usage) = amount
      const absorbed = new Map(events.flatMap((e) => (e.type === 'ChargeShortfall' ? [[e.data.reference, e.data.amount] as const] : [])));
      for (const e of events) {
        if (e.type === 'CallCharged') {
          const parts = e.data.fromGrants.reduce((sum, g) => sum.plus(g.amount), new Decimal(e.data.fromPaid));
          expect(parts.plus(absorbed.get(e.data.callId) ?? 0).equals(e.data.amount)).toBe(true);
        }
        if (e.type === 'SmsRefunded') {
          const back = e.data.toGrants
            .reduce((sum, g) => sum.plus(g.amount), new Decimal(e.data.toPaid))
            .plus(e.data.forfeited)
            .plus(e.data.absorbed);
          expect(new Decimal(e.data.absorbed).equals(absorbed.get(e.data.smsId) ?? 0)).toBe(true);
          expect(back.equals(e.data.amount)).toBe(true);
        }
        if (e.type !== 'WalletCharged' && e.type !== 'SmsCharged') continue;
        const parts = e.data.fromGrants.reduce((sum, g) => sum.plus(g.amount), new Decimal(e.data.fromPaid));
        const unpaid = e.type === 'SmsCharged' ? (absorbed.get(e.data.smsId) ?? 0) : 0;
        expect(parts.plus(unpaid).equals(e.data.amount)).toBe(true);
      }
    }
    // the generator reaches the paths it is meant to prove
    for (const type of ['CallCharged', 'SmsCharged', 'SmsRefunded', 'SmsDelivered', 'SmsFailed', 'CreditExpired'])
      expect([type, (seen.get(type) ?? 0) > 0]).toEqual([type, true]);
  });
});
