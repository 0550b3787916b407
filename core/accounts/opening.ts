import type { Decider } from '../decider';
import { fold } from '../decider';
import { walletDecider, type AccountStreamEvent, type GrantTerms } from '../wallet';
import { accountDecider, type AccountCommand, type AccountEvent, type AccountState } from './account';

/** Credit an opening account receives (a trial, a launch promotion), in the account's currency. */
export interface WelcomeGrant extends GrantTerms {
  readonly amount: string;
  readonly reason: string;
  readonly source: string;
}

const isAccountEvent = (e: AccountStreamEvent): e is AccountEvent => (accountDecider.evolvesOn as readonly string[]).includes(e.type);

/**
 * The account decider, with the welcome grants of `welcome(currency)` decided in the same
 * append as `AccountOpened`: an account is never seen open without them, and since a number
 * opens once, ever, so are they granted once per number.
 */
export function openingDecider(
  welcome: (currency: string) => readonly WelcomeGrant[],
): Decider<AccountCommand, AccountStreamEvent, AccountState> {
  return {
    initialState: accountDecider.initialState,
    evolvesOn: accountDecider.evolvesOn,
    evolve: (state, event) => (isAccountEvent(event) ? accountDecider.evolve(state, event) : state),
    decide(command, state) {
      const opened: AccountStreamEvent[] = [...accountDecider.decide(command, state)];
      if (command.type !== 'open' || opened.length === 0) return opened;
      const events = [...opened];
      for (const grant of welcome(command.data.currency)) {
        events.push(
          ...walletDecider.decide({ type: 'grant', data: { ...grant, currency: command.data.currency } }, fold(walletDecider, events)),
        );
      }
      return events;
    },
  };
}
