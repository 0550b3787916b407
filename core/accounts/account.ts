import { z } from 'zod';
import { DomainError, type Decider } from '../decider';
import { eventCodec, type EventsOf } from '../events/codec';
import { deriveId } from '../ids';
import { clientWebhookEvents, type ClientWebhook } from './client-webhook';
import { callLimitsEvents } from './call-limits-events';
import { spendCapsEvents, type AccountSpendCaps } from './spend-caps-events';
import { riskEvents } from './risk-events';
import type { RiskClass } from '../rating/risk-classes';
import type { CallLimits } from '../calls/limits';

const evidence = z.object({ source: z.string(), authenticated: z.boolean(), ttlSeconds: z.number(), at: z.string() });

export const accountEvents = {
  AccountOpened: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      number: z.string(),
      /** sha256 of the raw public key that signed the opening request, base64url. */
      keyFingerprint: z.string(),
      currency: z.string(),
      plan: z.string(),
      /** How the directory vouched for the key when the account was opened. */
      directory: evidence,
    }),
  },
  AccountSuspended: { schemaVersion: 1, schema: z.object({ accountId: z.string(), reason: z.string() }) },
  AccountReinstated: { schemaVersion: 1, schema: z.object({ accountId: z.string() }) },
  AccountClosed: { schemaVersion: 1, schema: z.object({ accountId: z.string(), reason: z.string() }) },
  /** The account's own `balance.low` threshold (null: the provider's for its currency). */
  LowBalanceThresholdSet: {
    schemaVersion: 1,
    schema: z.object({
      accountId: z.string(),
      threshold: z
        .string()
        .regex(/^(0|[1-9]\d*)(\.\d+)?$/)
        .nullable(),
    }),
  },
  ...clientWebhookEvents,
  ...callLimitsEvents,
  ...spendCapsEvents,
  ...riskEvents,
} as const;

export const accountCodec = eventCodec(accountEvents);
export type AccountEvent = EventsOf<typeof accountEvents>;

export type AccountStatus = 'none' | 'open' | 'suspended' | 'closed';

export interface AccountState {
  readonly status: AccountStatus;
  readonly accountId: string;
  readonly number: string;
  readonly currency: string;
  readonly plan: string;
  readonly keyFingerprint: string;
  readonly openedAt: string | null;
  readonly lowBalanceThreshold: string | null;
  readonly clientWebhook: ClientWebhook | null;
  /** Registrations so far: the next one's version (and so its secret) is one more. */
  readonly clientWebhookVersions: number;
  /** The operator's limits for this account (null: the provider's defaults). */
  readonly callLimits: CallLimits | null;
  /** The operator's spend caps for this account (null: the provider's). */
  readonly spendCaps: AccountSpendCaps | null;
  /** Destination risk classes an operator allowed this account (the rest are blocked). */
  readonly riskClassesAllowed: readonly RiskClass[];
}

export type AccountCommand =
  | {
      readonly type: 'open';
      readonly data: {
        readonly number: string;
        readonly keyFingerprint: string;
        readonly currency: string;
        readonly plan: string;
        readonly directory: z.infer<typeof evidence>;
      };
    }
  | { readonly type: 'suspend'; readonly data: { readonly reason: string } }
  | { readonly type: 'reinstate'; readonly data: Record<string, never> }
  | { readonly type: 'close'; readonly data: { readonly reason: string } }
  | { readonly type: 'set-low-balance-threshold'; readonly data: { readonly threshold: string | null } }
  /** The URL is checked by the caller (adapters/webhooks/target-guard.ts): the decider only records it. */
  | { readonly type: 'set-client-webhook'; readonly data: { readonly url: string; readonly requestKey: string } }
  | { readonly type: 'remove-client-webhook'; readonly data: Record<string, never> }
  | { readonly type: 'set-call-limits'; readonly data: CallLimits }
  | { readonly type: 'set-spend-caps'; readonly data: AccountSpendCaps }
  | { readonly type: 'allow-risk-classes'; readonly data: { readonly classes: readonly RiskClass[] } };

export const accountStream = (number: string) => `account-${number}`;
export const accountIdOf = (number: string) => deriveId('account', number);

/**
 * An account is its number: opening it twice is one account (the second open changes nothing).
 * A closed account stays closed and keeps its ledger; a suspended one can be reinstated.
 */
export const accountDecider: Decider<AccountCommand, AccountEvent, AccountState> = {
  initialState: {
    status: 'none',
    accountId: '',
    number: '',
    currency: '',
    plan: '',
    keyFingerprint: '',
    openedAt: null,
    lowBalanceThreshold: null,
    clientWebhook: null,
    clientWebhookVersions: 0,
    callLimits: null,
    spendCaps: null,
    riskClassesAllowed: [],
  },
  // the stream also holds the wallet's events, which the account's lifecycle does not read
  evolvesOn: [
    'AccountOpened',
    'AccountSuspended',
    'AccountReinstated',
    'AccountClosed',
    'LowBalanceThresholdSet',
    'ClientWebhookSet',
    'ClientWebhookRemoved',
    'CallLimitsSet',
    'SpendCapsSet',
    'RiskClassesAllowed',
  ],
  decide(command, state) {
    switch (command.type) {
      case 'open':
        if (state.status !== 'none') return [];
        return [
          {
            type: 'AccountOpened',
            id: deriveId('account-opened', command.data.number),
            data: {
              accountId: accountIdOf(command.data.number),
              number: command.data.number,
              keyFingerprint: command.data.keyFingerprint,
              currency: command.data.currency,
              plan: command.data.plan,
              directory: command.data.directory,
            },
          },
        ];
      case 'suspend':
        if (state.status === 'none') throw new DomainError('no-account', 'there is no such account');
        if (state.status === 'closed') throw new DomainError('account-closed', 'the account is closed');
        return state.status === 'suspended'
          ? []
          : [{ type: 'AccountSuspended', data: { accountId: state.accountId, reason: command.data.reason } }];
      case 'reinstate':
        if (state.status === 'none') throw new DomainError('no-account', 'there is no such account');
        if (state.status === 'closed') throw new DomainError('account-closed', 'a closed account cannot be reinstated');
        return state.status === 'open' ? [] : [{ type: 'AccountReinstated', data: { accountId: state.accountId } }];
      case 'close':
        if (state.status === 'none') throw new DomainError('no-account', 'there is no such account');
        return state.status === 'closed'
          ? []
          : [{ type: 'AccountClosed', data: { accountId: state.accountId, reason: command.data.reason } }];
      case 'set-low-balance-threshold':
        if (state.status === 'none') throw new DomainError('no-account', 'there is no such account');
        if (state.status === 'closed') throw new DomainError('account-closed', 'the account is closed');
        return state.lowBalanceThreshold === command.data.threshold
          ? []
          : [{ type: 'LowBalanceThresholdSet', data: { accountId: state.accountId, threshold: command.data.threshold } }];
      case 'set-client-webhook':
        if (state.status === 'none') throw new DomainError('no-account', 'there is no such account');
        if (state.status === 'closed') throw new DomainError('account-closed', 'the account is closed');
        // registering again (the same URL too) is a new secret: how a client rotates it
        return [
          {
            type: 'ClientWebhookSet',
            // the same request again (its Idempotency-Key or nonce) is the same registration: the store keeps one
            id: deriveId('client-webhook-set', state.accountId, command.data.requestKey),
            data: { accountId: state.accountId, url: command.data.url, version: state.clientWebhookVersions + 1 },
          },
        ];
      case 'set-call-limits': {
        if (state.status === 'none') throw new DomainError('no-account', 'there is no such account');
        const now = state.callLimits;
        const next = command.data;
        if ((now?.maxConcurrentCalls ?? null) === next.maxConcurrentCalls && (now?.maxCallsPerMinute ?? null) === next.maxCallsPerMinute)
          return [];
        return [{ type: 'CallLimitsSet', data: { accountId: state.accountId, ...next } }];
      }
      case 'set-spend-caps': {
        if (state.status === 'none') throw new DomainError('no-account', 'there is no such account');
        const same =
          (state.spendCaps?.perDay ?? null) === command.data.perDay && (state.spendCaps?.perMonth ?? null) === command.data.perMonth;
        return same ? [] : [{ type: 'SpendCapsSet', data: { accountId: state.accountId, ...command.data } }];
      }
      case 'allow-risk-classes': {
        if (state.status === 'none') throw new DomainError('no-account', 'there is no such account');
        const classes = [...new Set(command.data.classes)].sort();
        if (classes.join() === [...state.riskClassesAllowed].sort().join()) return [];
        return [{ type: 'RiskClassesAllowed', data: { accountId: state.accountId, classes } }];
      }
      case 'remove-client-webhook':
        if (state.status === 'none') throw new DomainError('no-account', 'there is no such account');
        return state.clientWebhook ? [{ type: 'ClientWebhookRemoved', data: { accountId: state.accountId } }] : [];
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'AccountOpened':
        return {
          status: 'open',
          accountId: event.data.accountId,
          number: event.data.number,
          currency: event.data.currency,
          plan: event.data.plan,
          keyFingerprint: event.data.keyFingerprint,
          openedAt: event.data.directory.at,
          lowBalanceThreshold: null,
          clientWebhook: null,
          clientWebhookVersions: 0,
          callLimits: null,
          spendCaps: null,
          riskClassesAllowed: [],
        };
      case 'AccountSuspended':
        return { ...state, status: 'suspended' };
      case 'AccountReinstated':
        return { ...state, status: 'open' };
      case 'AccountClosed':
        return { ...state, status: 'closed' };
      case 'LowBalanceThresholdSet':
        return { ...state, lowBalanceThreshold: event.data.threshold };
      case 'ClientWebhookSet':
        return { ...state, clientWebhook: { url: event.data.url, version: event.data.version }, clientWebhookVersions: event.data.version };
      case 'ClientWebhookRemoved':
        return { ...state, clientWebhook: null };
      case 'RiskClassesAllowed':
        return { ...state, riskClassesAllowed: event.data.classes };
      case 'SpendCapsSet':
        return { ...state, spendCaps: { perDay: event.data.perDay, perMonth: event.data.perMonth } };
      case 'CallLimitsSet':
        return {
          ...state,
          callLimits: { maxConcurrentCalls: event.data.maxConcurrentCalls, maxCallsPerMinute: event.data.maxCallsPerMinute },
        };
    }
  },
};
