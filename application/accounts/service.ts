import type { Clock } from '../../core/clock';
import { handleCommand, readState } from '../../core/command-handler';
import { accountDecider, accountStream, type AccountCommand, type AccountState } from '../../core/accounts/account';
import { openingDecider, type WelcomeGrant } from '../../core/accounts/opening';
import { accountStreamCodec } from '../../core/wallet';
import { DomainError } from '../../core/decider';
import type { EventStore } from '../../core/event-store';
import { currency as checkCurrency } from '../../core/money';
import type { IdGenerator } from '../../core/ids';
import type { DirectoryEvidence } from '../../core/directory';

export interface AccountServiceDeps {
  readonly store: EventStore;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly sipDomain: string;
  readonly defaultPlan: string;
  readonly defaultCurrency: string;
  /** Credit an account receives when it opens (trial, launch promotion), decided with the opening. */
  readonly welcome?: (currency: string, openedAt: Date) => readonly WelcomeGrant[];
}

/** What a client needs after opening: its account, and the ENUM entry it should publish. */
export function accountView(a: AccountState, sipDomain: string) {
  return {
    accountId: a.accountId,
    number: a.number,
    status: a.status,
    currency: a.currency,
    plan: a.plan,
    openedAt: a.openedAt,
    lowBalanceThreshold: a.lowBalanceThreshold,
    /** The operator's limits for this account; null: the provider's defaults. */
    callLimits: a.callLimits,
    /** The operator's spend caps for this account, in its currency; null: the provider's `spendCaps`. */
    spendCaps: a.spendCaps,
    /** Destination risk classes an operator allowed this account; the rest are refused. */
    riskClassesAllowed: a.riskClassesAllowed,
    enum: { service: 'E2U+sip', uri: `sip:${a.number}@${sipDomain}` },
  };
}

/** Who asks to open an account: a verified signer, and the fingerprint of the key that signed. */
export interface AccountOpener {
  readonly kind: 'number' | 'operator';
  readonly keyid: string;
  readonly keyFingerprint: string;
  /** For number keys: how the directory vouched for them. */
  readonly directory?: DirectoryEvidence;
}

export function accountService(deps: AccountServiceDeps) {
  const handler = { store: deps.store, ids: deps.ids, codec: accountStreamCodec };
  const welcome = deps.welcome;
  const opening = openingDecider((currency) => (welcome ? welcome(currency, deps.clock.now()) : []));
  return {
    /** Opens the caller's account; the same number again returns the existing one. */
    async open(
      caller: AccountOpener,
      input: { currency?: string; plan?: string },
    ): Promise<{ account: AccountState; created: boolean; position: number | null }> {
      if (caller.kind !== 'number' || !caller.directory) {
        throw new DomainError('number-key-required', 'accounts are opened with the key the directory publishes for the number');
      }
      const currency = input.currency ?? deps.defaultCurrency;
      try {
        checkCurrency(currency);
      } catch (error) {
        throw new DomainError('invalid-currency', (error as Error).message);
      }
      const r = await handleCommand(
        handler,
        opening,
        accountStream(caller.keyid),
        {
          type: 'open',
          data: {
            number: caller.keyid,
            keyFingerprint: caller.keyFingerprint,
            currency,
            plan: input.plan ?? deps.defaultPlan,
            directory: { ...caller.directory },
          },
        },
        { metadata: { actor: caller.keyid } },
      );
      return { account: r.state, created: r.events.length > 0, position: r.position };
    },
    async get(number: string): Promise<AccountState> {
      return (await readState(handler, accountDecider, accountStream(number))).state;
    },
    async change(number: string, command: Exclude<AccountCommand, { readonly type: 'open' }>, actor: string): Promise<AccountState> {
      return (await handleCommand(handler, accountDecider, accountStream(number), command, { metadata: { actor } })).state;
    },
  };
}

export type AccountService = ReturnType<typeof accountService>;
