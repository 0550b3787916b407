import { createHash } from 'node:crypto';
import { acceptAmount } from '../../core/amount-limits';
import { spentInMonth } from '../../core/auto-top-up/state';
import { DomainError } from '../../core/decider';
import { currency as checkCurrency, money, MoneyError, toJson, toMinor } from '../../core/money';
import type { WalletState } from '../../core/wallet';
import { acceptedMinor, processorFor, type TopUpDeps } from './top-up';

export interface AutoTopUpSettingsRequest {
  readonly threshold: string;
  readonly amount: string;
  readonly monthlyCap: string;
  readonly currency: string;
}

/** What a client app sees of its auto top-up (GET/PUT/DELETE /v1/accounts/me/auto-top-up). */
export function autoTopUpView(s: WalletState, now: Date) {
  const a = s.autoTopUp;
  const month = now.toISOString().slice(0, 7);
  return {
    enabled: a.settings !== null,
    threshold: a.settings?.threshold ?? null,
    amount: a.settings?.amount ?? null,
    monthlyCap: a.settings?.monthlyCap ?? null,
    currency: s.currency,
    month,
    toppedUpThisMonth: spentInMonth(a, month).toFixed(),
    pending: a.pending
      ? { triggerId: a.pending.triggerId, amount: a.pending.amount, since: a.pending.at, paymentId: a.pending.paymentId }
      : null,
    paymentMethod: a.paymentMethod ? { processor: a.paymentMethod.processor, id: a.paymentMethod.paymentMethodId } : null,
    disabledReason: a.disabledReason,
  };
}

const keyOf = (what: string, accountId: string, requestKey: string) =>
  `trunkline-${what}-${createHash('sha256').update(`${accountId}\n${requestKey}`).digest('hex')}`;

async function openAccount(deps: TopUpDeps, number: string) {
  const account = await deps.accounts.get(number);
  if (account.status === 'none') throw new DomainError('no-account', 'no account is open for this key');
  if (account.status !== 'open') throw new DomainError('account-not-open', `the account is ${account.status}`);
  return account;
}

/**
 * Starts saving a payment method for auto top-ups: the processor makes a setup the client app
 * completes (Stripe.js confirms the SetupIntent). Nothing is recorded here: the processor's
 * webhook (`setup_intent.succeeded`) records the saved method.
 */
export async function setupPaymentMethod(deps: TopUpDeps, request: { number: string; requestKey: string; processor?: string }) {
  const processor = processorFor(deps, request.processor);
  if (!processor.createSetup) throw new DomainError('not-supported', `payment processor ${processor.name} cannot save payment methods`);
  const account = await openAccount(deps, request.number);
  const saved = (await deps.wallet.state(account.number)).autoTopUp.paymentMethod;
  const setup = await processor.createSetup({
    accountNumber: account.number,
    accountId: account.accountId,
    customerId: saved?.processor === processor.name ? saved.customerId : null,
    idempotencyKey: keyOf('setup', account.accountId, request.requestKey),
  });
  return { processor: processor.name, ...setup };
}

/** A decimal amount of the currency as the engine takes any (places, size), or an `invalid-amount` refusal. */
function checkedAmount(deps: TopUpDeps, what: string, amount: string, currency: string): string {
  try {
    checkCurrency(currency);
    acceptAmount(deps.amountLimits, amount, currency);
    toMinor(money(amount, currency));
    return toJson(money(amount, currency)).amount;
  } catch (error) {
    if (error instanceof MoneyError) throw new DomainError('invalid-amount', `${what}: ${error.message}`);
    throw error;
  }
}

/** The customer opts in (or changes the settings): each top-up is a top-up's amount, within the provider's range. */
export async function enableAutoTopUp(deps: TopUpDeps, number: string, request: AutoTopUpSettingsRequest) {
  const account = await openAccount(deps, number);
  if (request.currency !== account.currency)
    throw new DomainError('currency-mismatch', `the account is kept in ${account.currency}, not ${request.currency}`);
  acceptedMinor(deps, request.amount, request.currency);
  const data = {
    threshold: checkedAmount(deps, 'threshold', request.threshold, request.currency),
    amount: checkedAmount(deps, 'amount', request.amount, request.currency),
    monthlyCap: checkedAmount(deps, 'monthlyCap', request.monthlyCap, request.currency),
    currency: request.currency,
  };
  return deps.wallet.execute(account.number, { type: 'enable-auto-top-up', data }, account.number);
}

export async function disableAutoTopUp(deps: TopUpDeps, number: string) {
  return deps.wallet.execute(number, { type: 'disable-auto-top-up', data: {} }, number);
}

/** A trigger the log holds and the engine has yet to charge. */
export interface DueTopUp {
  readonly triggerId: string;
  readonly number: string;
  readonly processor: string;
  readonly customerId: string;
  readonly paymentMethodId: string;
  readonly amount: string;
  readonly currency: string;
  /** When the spend set it off (ISO). */
  readonly triggeredAt: string;
}

/**
 * The oldest trigger still charged: a processor keeps an idempotency key a day (Stripe: 24 h), so
 * a charge much later under the same key could be a second payment if the first one's answer
 * was lost. Older ones are recorded as failed; a payment that did go through still credits.
 */
export const AUTO_TOP_UP_MAX_AGE_MS = 12 * 3_600_000;

export type ChargeResult = 'started' | 'declined' | 'settled-already';

/**
 * Charges one trigger's top-up to the saved method and records how it came out. The wallet is
 * read first: a trigger that is no longer pending, or whose payment is recorded, is not charged
 * again (a rebuilt queue, another node). The processor sees a key derived from the trigger, so a
 * retry after a crash or a lost answer finds the same payment. An outage throws: retried later.
 */
export async function chargeDueTopUp(deps: TopUpDeps, due: DueTopUp, now: Date): Promise<ChargeResult> {
  const auto = (await deps.wallet.state(due.number)).autoTopUp;
  const pending = auto.pending;
  if (pending?.triggerId !== due.triggerId || pending.paymentId !== null) return 'settled-already';
  const processor = deps.processors.get(due.processor);
  const fail = (code: string, reason: string, paymentId: string | null = null) =>
    deps.wallet.execute(
      due.number,
      { type: 'fail-auto-top-up', data: { triggerId: due.triggerId, paymentId, code, reason } },
      'auto-top-up',
    );
  // what the customer said since the trigger stands: off is off, and a card replaced is not charged
  const refusal = !auto.settings
    ? ['disabled', 'auto top-up was turned off before the top-up was charged']
    : auto.paymentMethod?.paymentMethodId !== due.paymentMethodId
      ? ['payment-method-changed', 'the saved payment method changed before the top-up was charged']
      : now.getTime() - Date.parse(due.triggeredAt) > AUTO_TOP_UP_MAX_AGE_MS
        ? ['expired', 'not charged within 12 hours of its trigger']
        : null;
  if (refusal) {
    await fail(refusal[0]!, refusal[1]!);
    return 'declined';
  }
  if (!processor?.chargeSavedMethod) {
    await fail('processor-unavailable', `no payment processor named ${due.processor} can charge a saved method`);
    return 'declined';
  }
  const account = await deps.accounts.get(due.number);
  if (account.status !== 'open') {
    await fail('account-not-open', `the account is ${account.status}`);
    return 'declined';
  }
  const outcome = await processor.chargeSavedMethod({
    accountNumber: due.number,
    accountId: account.accountId,
    amountMinor: toMinor(money(due.amount, due.currency)),
    currency: due.currency,
    customerId: due.customerId,
    paymentMethodId: due.paymentMethodId,
    triggerId: due.triggerId,
    idempotencyKey: `trunkline-auto-top-up-${due.triggerId}`,
    description: `Trunkline auto top-up for ${due.number}`,
  });
  if (outcome.outcome === 'declined') {
    await fail(outcome.code, outcome.reason, outcome.paymentId);
    return 'declined';
  }
  await deps.wallet.execute(
    due.number,
    {
      type: 'start-top-up',
      data: {
        processor: processor.name,
        paymentId: outcome.paymentId,
        amount: due.amount,
        credit: due.amount,
        currency: due.currency,
        requestKey: `auto-top-up:${due.triggerId}`,
        autoTopUp: due.triggerId,
      },
    },
    'auto-top-up',
  );
  return 'started';
}
