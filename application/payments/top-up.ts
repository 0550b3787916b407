import { createHash } from 'node:crypto';
import { acceptAmount, type AmountLimits } from '../../core/amount-limits';
import { DomainError } from '../../core/decider';
import { compare, currency as checkCurrency, money, MoneyError, toJson, toMinor } from '../../core/money';
import type { PaymentProcessor } from '../../core/payments/processor';
import type { AccountService } from '../accounts/service';
import type { WalletService } from '../wallet/service';

export interface TopUpDeps {
  readonly processors: ReadonlyMap<string, PaymentProcessor>;
  readonly accounts: AccountService;
  readonly wallet: WalletService;
  /** Smallest and largest top-up, in the account's currency. */
  readonly topUpMinimum: string;
  readonly topUpMaximum: string;
  readonly amountLimits: AmountLimits;
}

export interface TopUpRequest {
  readonly number: string;
  readonly amount: string;
  readonly currency: string;
  /** Unset: the first processor configured. */
  readonly processor?: string;
  /** The client's Idempotency-Key, or the signature's nonce: the same request twice is one top-up. */
  readonly requestKey: string;
}

export interface StartedTopUp {
  readonly processor: string;
  readonly paymentId: string;
  readonly clientSecret: string;
  readonly status: string;
  readonly credit: string;
  readonly currency: string;
  /** False when this request was already started: nothing new was recorded. */
  readonly created: boolean;
  readonly position: number | null;
}

export function processorFor(deps: TopUpDeps, name: string | undefined): PaymentProcessor {
  const chosen = name ?? [...deps.processors.keys()][0];
  const processor = chosen ? deps.processors.get(chosen) : undefined;
  if (!processor)
    throw new DomainError('no-payment-processor', chosen ? `no payment processor named ${chosen}` : 'no payment processor is configured');
  return processor;
}

/** The amount in minor units, once it is a valid amount of the currency within the top-up range. */
export function acceptedMinor(deps: TopUpDeps, amount: string, currency: string): bigint {
  let minor: bigint;
  try {
    checkCurrency(currency);
    acceptAmount(deps.amountLimits, amount, currency);
    minor = toMinor(money(amount, currency));
  } catch (error) {
    if (error instanceof MoneyError) throw new DomainError('invalid-amount', error.message);
    throw error;
  }
  const value = money(amount, currency);
  if (compare(value, money(deps.topUpMinimum, currency)) < 0 || compare(value, money(deps.topUpMaximum, currency)) > 0)
    throw new DomainError('amount-out-of-range', `a top-up is ${deps.topUpMinimum} to ${deps.topUpMaximum} ${currency}`, {
      minimum: deps.topUpMinimum,
      maximum: deps.topUpMaximum,
    });
  return minor;
}

/**
 * A number buys credit: the processor is asked to hold the payment (under a key derived from the
 * account and the request, so a retry finds the same payment), and `TopUpStarted` is recorded.
 * The credit arrives with the processor's webhook, never from this answer.
 */
export async function startTopUp(deps: TopUpDeps, request: TopUpRequest): Promise<StartedTopUp> {
  const processor = processorFor(deps, request.processor);
  const account = await deps.accounts.get(request.number);
  if (account.status === 'none') throw new DomainError('no-account', 'no account is open for this key');
  if (account.status !== 'open') throw new DomainError('account-not-open', `the account is ${account.status}`);
  if (request.currency !== account.currency)
    throw new DomainError('currency-mismatch', `the account is kept in ${account.currency}, not ${request.currency}`);
  const amountMinor = acceptedMinor(deps, request.amount, request.currency);
  // the processor sees the same key for the same request, and never the client's raw key
  const idempotencyKey = `trunkline-top-up-${createHash('sha256').update(`${account.accountId}\n${request.requestKey}`).digest('hex')}`;
  const payment = await processor.createTopUp({
    accountNumber: account.number,
    accountId: account.accountId,
    amountMinor,
    currency: request.currency,
    idempotencyKey,
    description: `Trunkline credit for ${account.number}`,
  });
  if (payment.amountMinor !== amountMinor || payment.currency !== request.currency)
    throw new DomainError('idempotency-key-reused', 'this Idempotency-Key was used for another top-up');
  const credit = toJson(money(request.amount, request.currency)).amount;
  const r = await deps.wallet.execute(
    account.number,
    {
      type: 'start-top-up',
      data: {
        processor: processor.name,
        paymentId: payment.paymentId,
        amount: credit,
        credit,
        currency: request.currency,
        requestKey: request.requestKey,
      },
    },
    account.number,
  );
  return {
    processor: processor.name,
    paymentId: payment.paymentId,
    clientSecret: payment.clientSecret,
    status: payment.status,
    credit,
    currency: request.currency,
    created: r.events.length > 0,
    position: r.position,
  };
}
