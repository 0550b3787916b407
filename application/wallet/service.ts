import type { Clock } from '../../core/clock';
import { handleCommand, readState, type CommandResult } from '../../core/command-handler';
import { accountStream } from '../../core/accounts/account';
import type { EventStore } from '../../core/event-store';
import type { IdGenerator } from '../../core/ids';
import { stateCache } from '../../core/state-cache';
import { fromMinor, toJson } from '../../core/money';
import type { PaymentFact } from '../../core/payments/processor';
import { accountStreamCodec, walletDecider, type AccountStreamEvent, type WalletCommand, type WalletState } from '../../core/wallet';

export interface WalletServiceDeps {
  readonly store: EventStore;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  /** Accounts whose wallet state is kept in memory between commands (default 10,000). */
  readonly cachedAccounts?: number;
}

/** A processor amount in minor units as the decimal string the ledger keeps (exact: a power-of-ten division). */
export const minorToDecimal = (units: bigint, currency: string): string => toJson(fromMinor(units, currency)).amount;

/** The wallet command a processor's fact asks for. */
export function commandForFact(processor: string, fact: PaymentFact): WalletCommand {
  const base = { processor, paymentId: fact.paymentId, processorEventId: fact.eventId };
  switch (fact.kind) {
    case 'succeeded':
      return {
        type: 'record-purchase',
        data: {
          ...base,
          amount: minorToDecimal(fact.amountMinor, fact.currency),
          currency: fact.currency,
          ...(fact.autoTopUp ? { autoTopUp: fact.autoTopUp } : {}),
        },
      };
    case 'failed':
      return { type: 'record-payment-failure', data: { ...base, reason: fact.reason } };
    case 'refunded':
      return {
        type: 'record-refund',
        data: {
          ...base,
          refundedTotal: minorToDecimal(fact.refundedTotalMinor, fact.currency),
          currency: fact.currency,
        },
      };
    case 'payment-method-saved':
      return {
        type: 'save-payment-method',
        data: {
          processor,
          customerId: fact.customerId,
          paymentMethodId: fact.paymentMethodId,
          setupId: fact.paymentId,
          processorEventId: fact.eventId,
        },
      };
    case 'chargeback':
    case 'chargeback-reversed':
      return {
        type: fact.kind === 'chargeback' ? 'record-chargeback' : 'reverse-chargeback',
        data: { ...base, disputeId: fact.disputeId, amount: minorToDecimal(fact.amountMinor, fact.currency), currency: fact.currency },
      };
  }
}

export function walletService(deps: WalletServiceDeps) {
  // one wallet per account stream, folded once and then only from where it was left
  const handler = {
    store: deps.store,
    ids: deps.ids,
    codec: accountStreamCodec,
    cache: stateCache<WalletState>(deps.cachedAccounts ?? 10_000),
  };
  const execute = (number: string, command: WalletCommand, actor: string): Promise<CommandResult<AccountStreamEvent, WalletState>> =>
    handleCommand(handler, walletDecider, accountStream(number), command, { metadata: { actor }, maxAttempts: 20 });
  return {
    execute,
    async state(number: string): Promise<WalletState> {
      return (await readState(handler, walletDecider, accountStream(number))).state;
    },
    /** Records a processor's fact on the account it names; the same fact again records nothing. */
    async applyFact(processor: string, fact: PaymentFact & { readonly accountNumber: string }) {
      return execute(fact.accountNumber, commandForFact(processor, fact), `${processor}:${fact.eventId}`);
    },
    /** Records the expiry of every grant of these accounts that is due now. */
    async expireDue(numbers: readonly string[]): Promise<number> {
      let expired = 0;
      const at = deps.clock.now().toISOString();
      for (const number of numbers) expired += (await execute(number, { type: 'expire', data: { at } }, 'expiry')).events.length;
      return expired;
    },
  };
}

export type WalletService = ReturnType<typeof walletService>;
