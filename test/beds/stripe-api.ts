import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

/**
 * The few Stripe API answers Trunkline uses, on loopback, so the real `stripe` client runs
 * unchanged: create a PaymentIntent (honouring Idempotency-Key as Stripe does) and retrieve one.
 * Webhooks are signed with the library's own generateTestHeaderString.
 */
export interface FakeIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  status: string;
  client_secret: string;
  description: string | null;
  metadata: Record<string, string>;
  livemode: false;
  created: number;
}

export interface FakeSetupIntent {
  id: string;
  object: 'setup_intent';
  status: string;
  client_secret: string;
  customer: string;
  payment_method: string | null;
  usage: string;
  metadata: Record<string, string>;
  livemode: false;
  created: number;
}

/**
 * Test payment methods as Stripe's test mode names them: off-session, `pm_card_authenticationRequired`
 * is refused with `authentication_required` and `pm_card_chargeDeclined` with `card_declined`
 * (402 card_error carrying the PaymentIntent); any other method pays.
 */
const OFF_SESSION_REFUSALS: Record<string, { code: string; message: string }> = {
  pm_card_authenticationRequired: {
    code: 'authentication_required',
    message: 'Your card was declined. This transaction requires authentication.',
  },
  pm_card_chargeDeclined: { code: 'card_declined', message: 'Your card was declined.' },
};

export interface FakeBalanceTransaction {
  id: string;
  object: 'balance_transaction';
  amount: number;
  fee: number;
  net: number;
  currency: string;
  type: 'charge';
  created: number;
  /** The charge and the PaymentIntent it paid (listed as the charge's id, or expanded). */
  charge: { id: string; payment_intent: string };
}

export interface StripeBed {
  readonly url: string;
  readonly secretKey: string;
  readonly webhookSecret: string;
  readonly intents: Map<string, FakeIntent>;
  readonly customers: Map<string, { id: string; object: 'customer'; metadata: Record<string, string> }>;
  readonly setupIntents: Map<string, FakeSetupIntent>;
  /** The client app confirming a SetupIntent with a payment method (as Stripe.js would): it succeeds. */
  confirmSetup(setupId: string, paymentMethodId: string): FakeSetupIntent;
  /** Balance transactions (type charge) by id: the money a charge put in the balance, fee and net. */
  readonly balance: Map<string, FakeBalanceTransaction>;
  /** While true every API call answers 500 api_error, as Stripe does in an outage. */
  failing: boolean;
  readonly requests: {
    method: string;
    path: string;
    idempotencyKey: string | undefined;
    authorization: string | undefined;
    /** The form parameters of a POST. */
    params: URLSearchParams;
  }[];
  /** A signed webhook for `type` about `object`, as Stripe would POST it. */
  webhook(type: string, object: unknown, options?: { id?: string; secret?: string }): { body: string; headers: Record<string, string> };
  close(): Promise<void>;
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${Date.now()}` });
  res.end(JSON.stringify(body));
}

export async function startStripeBed(): Promise<StripeBed> {
  const secretKey = 'sk_test_trunkline0local';
  const webhookSecret = 'whsec_trunkline0local0secret';
  const intents = new Map<string, FakeIntent>();
  const balance = new Map<string, FakeBalanceTransaction>();
  const customers: StripeBed['customers'] = new Map();
  const setupIntents = new Map<string, FakeSetupIntent>();
  // Stripe keeps the first answer to a key, errors included, and gives it again for the same parameters
  const byKey = new Map<string, { params: string; status: number; body: unknown }>();
  const requests: StripeBed['requests'] = [];
  let next = 1;
  let events = 1;
  // eslint-disable-next-line prefer-const -- assigned once the server listens; requests only come after
  let bed: StripeBed;
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const path = (req.url ?? '/').split('?')[0]!;
      const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
      requests.push({
        method: req.method ?? '',
        path,
        idempotencyKey,
        authorization: req.headers.authorization,
        params: new URLSearchParams(req.method === 'POST' ? body : ''),
      });
      if (bed.failing) return send(res, 500, { error: { type: 'api_error', message: 'An unknown error occurred' } });
      if (req.headers.authorization !== `Bearer ${secretKey}`)
        return send(res, 401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
      if (req.method === 'POST' && idempotencyKey && byKey.has(idempotencyKey)) {
        const seen = byKey.get(idempotencyKey)!;
        if (seen.params !== `${path}?${body}`)
          return send(res, 400, {
            error: { type: 'idempotency_error', message: 'Keys for idempotent requests can only be used with the same parameters' },
          });
        return send(res, seen.status, seen.body);
      }
      const answer = (status: number, answered: unknown) => {
        if (idempotencyKey) byKey.set(idempotencyKey, { params: `${path}?${body}`, status, body: answered });
        send(res, status, answered);
      };
      const form = new URLSearchParams(body);
      const metadata: Record<string, string> = {};
      for (const [k, v] of form) {
        const m = /^metadata\[(.+)\]$/.exec(k);
        if (m) metadata[m[1]!] = v;
      }
      if (req.method === 'POST' && path === '/v1/customers') {
        const id = `cus_local${String(next++).padStart(6, '0')}`;
        const customer = { id, object: 'customer' as const, metadata };
        customers.set(id, customer);
        return answer(200, customer);
      }
      if (req.method === 'POST' && path === '/v1/setup_intents') {
        const customer = form.get('customer');
        if (!customer || !customers.has(customer))
          return answer(400, {
            error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such customer: '${customer}'` },
          });
        const id = `seti_local${String(next++).padStart(6, '0')}`;
        const si: FakeSetupIntent = {
          id,
          object: 'setup_intent',
          status: 'requires_payment_method',
          client_secret: `${id}_secret_local`,
          customer,
          payment_method: null,
          usage: form.get('usage') ?? 'off_session',
          metadata,
          livemode: false,
          created: Math.floor(Date.now() / 1000),
        };
        setupIntents.set(id, si);
        return answer(200, si);
      }
      if (req.method === 'POST' && path === '/v1/payment_intents') {
        const id = `pi_local${String(next++).padStart(6, '0')}`;
        const intent: FakeIntent = {
          id,
          object: 'payment_intent',
          amount: Number(form.get('amount')),
          amount_received: 0,
          currency: form.get('currency') ?? '',
          status: 'requires_payment_method',
          client_secret: `${id}_secret_local`,
          description: form.get('description'),
          metadata,
          livemode: false,
          created: Math.floor(Date.now() / 1000),
        };
        intents.set(id, intent);
        const method = form.get('payment_method');
        if (form.get('confirm') === 'true' && method) {
          // confirmed at once (off-session): paid, or refused with the PaymentIntent in the error
          const refusal = OFF_SESSION_REFUSALS[method];
          if (refusal)
            return answer(402, {
              error: {
                type: 'card_error',
                code: refusal.code,
                decline_code: refusal.code,
                message: refusal.message,
                payment_intent: intent,
              },
            });
          Object.assign(intent, { status: 'succeeded', amount_received: intent.amount });
        }
        return answer(200, intent);
      }
      if (req.method === 'GET' && path === '/v1/payment_intents') {
        // newest first, `limit` a page, `starting_after` the cursor, `created[gte|lt]` the window: as Stripe lists
        const q = new URL(req.url ?? '/', 'http://x').searchParams;
        const gte = Number(q.get('created[gte]') ?? 0);
        const lt = Number(q.get('created[lt]') ?? Infinity);
        const all = [...intents.values()]
          .filter((i) => i.created >= gte && i.created < lt)
          .sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1));
        const after = q.get('starting_after');
        const from = after ? all.findIndex((i) => i.id === after) + 1 : 0;
        const limit = Math.min(100, Number(q.get('limit') ?? 10));
        const data = all.slice(from, from + limit);
        return send(res, 200, { object: 'list', url: '/v1/payment_intents', has_more: from + limit < all.length, data });
      }
      if (req.method === 'GET' && path === '/v1/balance_transactions') {
        const q = new URL(req.url ?? '/', 'http://x').searchParams;
        const gte = Number(q.get('created[gte]') ?? 0);
        const lt = Number(q.get('created[lt]') ?? Infinity);
        // stripe-node writes arrays as expand[0]=…, others as expand[]=…
        const expand = [...q].some(([k, v]) => k.startsWith('expand[') && v === 'data.source');
        const all = [...balance.values()]
          .filter((t) => t.created >= gte && t.created < lt && (!q.get('type') || t.type === q.get('type')))
          .sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1));
        const after = q.get('starting_after');
        const from = after ? all.findIndex((t) => t.id === after) + 1 : 0;
        const limit = Math.min(100, Number(q.get('limit') ?? 10));
        const data = all.slice(from, from + limit).map(({ charge, ...t }) => ({
          ...t,
          source: expand ? { id: charge.id, object: 'charge', payment_intent: charge.payment_intent } : charge.id,
        }));
        return send(res, 200, { object: 'list', url: '/v1/balance_transactions', has_more: from + limit < all.length, data });
      }
      const m = /^\/v1\/payment_intents\/([\w]+)$/.exec(path);
      if (req.method === 'GET' && m) {
        const intent = intents.get(m[1]!);
        return intent
          ? send(res, 200, intent)
          : send(res, 404, {
              error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such payment_intent: '${m[1]}'` },
            });
      }
      send(res, 404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${path})` } });
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const stripe = new Stripe(secretKey);
  bed = {
    failing: false,
    url: `http://127.0.0.1:${port}`,
    secretKey,
    webhookSecret,
    intents,
    customers,
    setupIntents,
    confirmSetup(setupId, paymentMethodId) {
      const si = setupIntents.get(setupId);
      if (!si) throw new Error(`no SetupIntent ${setupId}`);
      Object.assign(si, { status: 'succeeded', payment_method: paymentMethodId });
      return si;
    },
    balance,
    requests,
    webhook(type, object, options = {}) {
      const payload = JSON.stringify({
        id: options.id ?? `evt_local${String(events++).padStart(6, '0')}`,
        object: 'event',
        api_version: '2025-10-29.clover',
        created: Math.floor(Date.now() / 1000),
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        type,
        data: { object },
      });
      const header = stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? webhookSecret });
      return { body: payload, headers: { 'content-type': 'application/json', 'stripe-signature': header } };
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  return bed;
}
