import type {
  AccountSummary,
  AutoTopUp,
  ClientWebhookRegistration,
  PaymentMethodSetup,
  BalanceView,
  CallRecord,
  LedgerLine,
  OperatorCallRecord,
  Page,
  Redemption,
  Restriction,
  TextRecord,
} from './wire-types';
import { createVerifier, httpbis } from 'http-message-signatures';
import { digestMatches } from '../http/signatures/content-digest';
import { privateKeyFrom, publicKeyFromRaw, type PrivateKeyInput } from './keys';
import { signRequest } from '../http/signatures/sign-request';

/** An RFC 9457 problem the API answered with. */
export class TrunklineApiError extends Error {
  override readonly name = 'TrunklineApiError';
  constructor(
    readonly status: number,
    readonly problem: { type: string; title: string; detail?: string; [k: string]: unknown },
  ) {
    super(`${status} ${problem.type.split('/').pop()}: ${problem.detail ?? problem.title}`);
  }
}

export interface Account {
  accountId: string;
  number: string;
  status: 'open' | 'suspended' | 'closed';
  currency: string;
  plan: string;
  openedAt: string | null;
  /** The account's own `balance.low` threshold; null: the provider's for its currency. */
  lowBalanceThreshold?: string | null;
  /** The opening's log position (null when the account was open already); reads wait for it. */
  position?: number | null;
  enum: { service: 'E2U+sip'; uri: string };
}

export interface Credentials {
  sip: { username: string; password: string; expiresAt: string; realm: string; registrars: string[]; hmac: string };
  turn: { username: string; password: string; expiresAt: string; uris: string[] } | null;
}

export interface Quote {
  plan: string;
  number: string;
  currency: string;
  destination: { id: string; prefix: string };
  billedSeconds: string;
  cost: string;
  parts: { timing: string; seconds: string; billedSeconds: string; cost: string }[];
  [k: string]: unknown;
}

export type * from './wire-types';

/** Paging and time filters of the record listings. */
export interface RecordQuery {
  readonly limit?: number;
  readonly cursor?: string;
  /** ISO-8601 instants. */
  readonly since?: string;
  readonly until?: string;
}

export interface SmsSent {
  readonly smsId: string;
  readonly status: string;
  readonly replayed: boolean;
  readonly position: number | null;
  readonly [field: string]: unknown;
}

export interface TextStatusView {
  readonly smsId: string;
  readonly status: 'accepted' | 'submitted' | 'delivered' | 'failed' | 'refunded';
  readonly [field: string]: unknown;
}

export interface TopUp {
  processor: string;
  paymentId: string;
  clientSecret: string;
  status: string;
  amount: { amount: string; currency: string };
  credit: { amount: string; currency: string };
  position: number | null;
}

export interface ClientOptions {
  readonly baseUrl: string;
  /** Who signs: an E.164 number (its directory key) or an operator key id. */
  readonly keyid?: string;
  /** The signing key: a KeyObject, a PEM, or the raw 32-byte Ed25519 seed as bytes or base64. */
  readonly privateKey?: PrivateKeyInput;
  readonly fetch?: typeof fetch;
}

/**
 * The typed client a calling app (or an operator tool) uses: it signs every private request with
 * its Ed25519 key (RFC 9421), and turns problem answers into TrunklineApiError.
 */
export function trunklineClient(options: ClientOptions) {
  const http = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/$/, '');
  const privateKey = options.privateKey === undefined ? undefined : privateKeyFrom(options.privateKey);
  /** The log position of this client's latest write: its reads wait for the read models to include it. */
  let lastWrite = 0;
  const query = (q: object) =>
    new URLSearchParams(
      Object.entries(q)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();

  async function call<T>(method: string, path: string, body?: unknown, signed = true, extra: Record<string, string> = {}): Promise<T> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    let headers: Record<string, string> = { ...(payload ? { 'content-type': 'application/json' } : {}), ...extra };
    if (signed) {
      if (!privateKey || !options.keyid) throw new Error('this call is signed: give the client a keyid and privateKey');
      headers = await signRequest(
        { method, url: `${base}${path}`, headers, ...(payload ? { body: payload } : {}) },
        privateKey,
        options.keyid,
      );
    }
    const res = await http(`${base}${path}`, { method, headers, ...(payload ? { body: payload } : {}) });
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : null;
    if (!res.ok) throw new TrunklineApiError(res.status, parsed as TrunklineApiError['problem']);
    const position = (parsed as { position?: unknown } | null)?.position;
    if (typeof position === 'number' && position > lastWrite) lastWrite = position;
    return parsed as T;
  }

  return {
    /** The provider descriptor, with its response signature checked against the key it carries (or a pinned one). */
    async descriptor(pinnedPublicKey?: string): Promise<Record<string, unknown> & { signing: { publicKey: string } }> {
      const res = await http(`${base}/.well-known/trunkline`);
      const body = Buffer.from(await res.arrayBuffer());
      const headers = Object.fromEntries(res.headers.entries());
      const descriptor = JSON.parse(body.toString()) as Record<string, unknown> & { signing: { publicKey: string } };
      const key = publicKeyFromRaw(Buffer.from(pinnedPublicKey ?? descriptor.signing.publicKey, 'base64'));
      const ok =
        digestMatches(headers['content-digest'], body) &&
        (await httpbis.verifyMessage(
          { keyLookup: async () => ({ id: 'provider', algs: ['ed25519'], verify: createVerifier(key, 'ed25519') }) },
          { status: res.status, headers },
        ));
      if (!ok) throw new Error('the provider descriptor is not signed by the expected key');
      return descriptor;
    },
    quote: (q: { destination: string; duration: number | string; plan?: string; profile?: string; start?: string }) =>
      call<Quote>('POST', '/v1/quotes', q, false),
    rates: () => call<{ currency: string; rates: { prefix: string; ratePerMinute: string }[] }>('GET', '/v1/rates', undefined, false),
    rate: (destination: string) =>
      call<{ prefix: string; ratePerMinute: string }>('GET', `/v1/rates?destination=${encodeURIComponent(destination)}`, undefined, false),
    /** The log's streams (an operator key with the viewer or admin role). */
    streams: (q: { prefix?: string; after?: string; limit?: number } = {}) =>
      call<{ streams: { stream: string; events: number }[]; next?: string }>(
        'GET',
        `/v1/catalogue/streams?${new URLSearchParams(Object.entries(q).map(([k, v]): [string, string] => [k, String(v)])).toString()}`,
      ),
    /** Events per type (an operator key with the viewer or admin role). */
    eventTypes: () => call<{ types: { type: string; events: number }[] }>('GET', '/v1/catalogue/types'),
    health: () => call<{ status: string }>('GET', '/healthz', undefined, false),
    openAccount: (input: { currency?: string; plan?: string } = {}) => call<Account>('POST', '/v1/accounts', input),
    me: () => call<Account>('GET', '/v1/accounts/me'),
    sipCredentials: () => call<Credentials>('POST', '/v1/accounts/me/sip-credentials'),
    /** The balance below which the provider's `balance.low` notification fires for this account (null: its default). */
    setLowBalanceThreshold: (lowBalanceThreshold: string | null) =>
      call<{ lowBalanceThreshold: string | null }>('PUT', '/v1/accounts/me/notifications', { lowBalanceThreshold }),
    /**
     * The balance, including this client's own latest write (an opening, a top-up, a redemption):
     * it waits for the read models to reach it. `after` names another position to wait for.
     */
    balance: (after: number = lastWrite) => call<BalanceView>('GET', `/v1/accounts/me/balance${after > 0 ? `?after=${after}` : ''}`),
    transactions: (page: { limit?: number; cursor?: string } = {}) =>
      call<{ items: LedgerLine[]; nextCursor: string | null }>(
        'GET',
        `/v1/accounts/me/transactions?${new URLSearchParams(Object.entries(page).map(([k, v]): [string, string] => [k, String(v)])).toString()}`,
      ),
    /** Starts a top-up; complete the payment with `clientSecret` (Stripe). Reuse `idempotencyKey` when retrying. */
    topUp: (input: { amount: string; currency: string }, idempotencyKey?: string) =>
      call<TopUp>('POST', '/v1/accounts/me/top-ups', input, true, idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
    /** Starts saving a card for auto top-ups; complete it in the app with `clientSecret` (Stripe.js `confirmSetup`). */
    setupPaymentMethod: (idempotencyKey?: string) =>
      call<PaymentMethodSetup>(
        'POST',
        '/v1/accounts/me/payment-methods/setup',
        {},
        true,
        idempotencyKey ? { 'idempotency-key': idempotencyKey } : {},
      ),
    autoTopUp: () => call<AutoTopUp>('GET', '/v1/accounts/me/auto-top-up'),
    /**
     * Registers the app's own webhook endpoint for this account's notifications; the answer's
     * `secret` (shown once) verifies them with any Standard Webhooks library. Again: a new secret.
     */
    setWebhook: (url: string, idempotencyKey?: string) =>
      call<ClientWebhookRegistration>(
        'PUT',
        '/v1/accounts/me/webhook',
        { url },
        true,
        idempotencyKey ? { 'idempotency-key': idempotencyKey } : {},
      ),
    webhook: () => call<{ url: string | null; version: number | null }>('GET', '/v1/accounts/me/webhook'),
    removeWebhook: () => call<{ url: null; version: null }>('DELETE', '/v1/accounts/me/webhook'),
    /** Opts in: below `threshold` of available credit, `amount` is charged to the saved card, at most `monthlyCap` a month. */
    enableAutoTopUp: (settings: { threshold: string; amount: string; monthlyCap: string; currency: string }) =>
      call<AutoTopUp & { position: number | null }>('PUT', '/v1/accounts/me/auto-top-up', settings),
    disableAutoTopUp: () => call<AutoTopUp & { position: number | null }>('DELETE', '/v1/accounts/me/auto-top-up'),
    redeemVoucher: (code: string) => call<Redemption>('POST', '/v1/accounts/me/vouchers/redeem', { code }),
    /** The number's own calls, newest first; pass `next` back as `cursor` for the page after. */
    calls: (q: RecordQuery & { outcome?: CallRecord['outcome'] } = {}) =>
      call<Page<CallRecord>>('GET', `/v1/accounts/me/calls?${query(q)}`),
    /** The number's own texts, newest first, each with its status history. */
    texts: (q: RecordQuery & { status?: TextRecord['status'] } = {}) => call<Page<TextRecord>>('GET', `/v1/accounts/me/texts?${query(q)}`),
    sms: {
      /** Sends a text from the number; `idempotencyKey` makes a retry safe (the same key answers the first outcome). */
      send: (input: { to: string; text: string }, idempotencyKey: string) =>
        call<SmsSent>('POST', '/v1/sms', input, true, { 'idempotency-key': idempotencyKey }),
      /** Segments, encoding and price of a text before sending it. */
      quote: (input: { to: string; text: string }) => call<Record<string, unknown>>('POST', '/v1/sms/quote', input),
      /** A text's status; `after` waits for a position a write answered with. */
      status: (smsId: string, after?: number) =>
        call<TextStatusView>('GET', `/v1/sms/${encodeURIComponent(smsId)}${after === undefined ? '' : `?after=${after}`}`),
    },
    /** Operator calls (a key with the admin role). */
    admin: {
      /** Accounts in number order: `q` is the digits a number starts with, or an account id. */
      accounts: (q: { status?: 'open' | 'suspended' | 'closed'; q?: string; limit?: number; cursor?: string } = {}) =>
        call<Page<AccountSummary>>('GET', `/v1/accounts?${query(q)}`),
      /** Every account's calls, with trunk and carrier cost (admin or finance). */
      calls: (q: RecordQuery & { account?: string; carrier?: string; prefix?: string; outcome?: CallRecord['outcome'] } = {}) =>
        call<Page<OperatorCallRecord>>('GET', `/v1/calls?${query(q)}`),
      texts: (q: RecordQuery & { account?: string; gateway?: string; prefix?: string; status?: TextRecord['status'] } = {}) =>
        call<Page<TextRecord & { accountId: string; position: number }>>('GET', `/v1/texts?${query(q)}`),
      suspend: (number: string, reason: string) => call<Account>('POST', `/v1/accounts/${encodeURIComponent(number)}/suspend`, { reason }),
      reinstate: (number: string) => call<Account>('POST', `/v1/accounts/${encodeURIComponent(number)}/reinstate`, {}),
      close: (number: string, reason: string) => call<Account>('POST', `/v1/accounts/${encodeURIComponent(number)}/close`, { reason }),
      balance: (number: string) => call<BalanceView>('GET', `/v1/accounts/${encodeURIComponent(number)}/balance`),
      grant: (
        number: string,
        grant: {
          grantId: string;
          amount: string;
          currency: string;
          expiresAt?: string | null;
          restriction?: Restriction | null;
          reason?: string;
        },
      ) =>
        call<{ granted: boolean; grantId: string; position: number | null }>(
          'POST',
          `/v1/accounts/${encodeURIComponent(number)}/grants`,
          grant,
        ),
      issueVouchers: (
        batch: {
          count: number;
          amount: string;
          currency: string;
          expiresAt: string;
          funding?: 'paid' | 'granted';
          grantValidDays?: number | null;
          note?: string;
        },
        idempotencyKey?: string,
      ) =>
        call<{ batchId: string; tag: string; count: number; codes: string[] }>(
          'POST',
          '/v1/voucher-batches',
          batch,
          true,
          idempotencyKey ? { 'idempotency-key': idempotencyKey } : {},
        ),
    },
  };
}

export type TrunklineClient = ReturnType<typeof trunklineClient>;
