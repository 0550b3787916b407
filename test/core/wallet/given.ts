import { accountDecider } from '../../../core/accounts/account';
import { fold } from '../../../core/decider';
import { walletDecider, type AccountStreamEvent, type WalletCommand } from '../../../core/wallet';

export const NUMBER = '+442079460958';

/** An opened EUR account's first event. */
export const opened: AccountStreamEvent[] = accountDecider.decide(
  {
    type: 'open',
    data: {
      number: NUMBER,
      keyFingerprint: 'fp',
      currency: 'EUR',
      plan: 'retail',
      directory: { source: 'dnssec:test', authenticated: true, ttlSeconds: 60, at: '2026-11-25T12:00:00.000Z' },
    },
  },
  accountDecider.initialState,
) as AccountStreamEvent[];

export const stateOf = (events: readonly AccountStreamEvent[]) => fold(walletDecider, events);

/** given these events, when these commands in turn: every event decided (each command sees the ones before). */
export function when(given: readonly AccountStreamEvent[], ...commands: WalletCommand[]): AccountStreamEvent[] {
  const all = [...given];
  const decided: AccountStreamEvent[] = [];
  for (const c of commands) {
    const events = walletDecider.decide(c, stateOf(all));
    all.push(...events);
    decided.push(...events);
  }
  return decided;
}

export const stripe = { processor: 'stripe' } as const;

/** An opened account with `amount` EUR of paid credit, bought through Stripe. */
export const funded = (amount: string): AccountStreamEvent[] => [
  ...opened,
  ...when(opened, { type: 'record-purchase', data: { ...stripe, paymentId: 'pi', processorEventId: 'e', amount, currency: 'EUR' } }),
];
