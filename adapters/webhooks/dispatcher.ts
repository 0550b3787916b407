import type { Logger } from 'pino';
import { Webhook } from 'standardwebhooks';
import type { Clock } from '../../core/clock';
import type { ReadModelStore } from '../../application/ports/read-model-store';
import { claimDue, createOutbox, recordOutcome, type Delivery, type Outcome } from '../../projections/notifications/outbox';
import { createClientEndpoints } from '../../projections/notifications/projection';
import { clientWebhookSecret } from './client-secret';
import { guardedPost } from './guarded-post';
import { checkWebhookUrl, UnsafeWebhookTarget, type TargetPolicy } from './target-guard';

export interface WebhookEndpoint {
  readonly id: string;
  readonly url: string;
  readonly secret: string;
}

export interface DispatcherDeps {
  readonly readModels: ReadModelStore;
  readonly endpoints: readonly WebhookEndpoint[];
  /** Client apps' own endpoints: where their secrets derive from, and which addresses they may be. */
  readonly clients: { readonly secret: string; readonly policy: TargetPolicy } | null;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly maxAttempts: number;
  readonly retryMaxSeconds: number;
}

/** Deliveries taken per round, and how long one is leased to this node before another may try it. */
const BATCH = 50;
const LEASE_MS = 30_000;
const TIMEOUT_MS = 10_000;

/** 2 s, 4 s, 8 s … up to the cap, each ±20 % so that retries after an outage do not arrive in one wave. */
export function retryDelaySeconds(attempts: number, capSeconds: number, random: () => number = Math.random): number {
  const base = Math.min(capSeconds, 2 ** Math.min(attempts, 30));
  return Math.max(1, Math.min(capSeconds, base * (0.8 + 0.4 * random())));
}

/** Where a delivery goes: the provider's configured endpoint, or a client app's (then through the address guard). */
interface Target {
  readonly url: string;
  readonly secret: string;
  readonly guarded: TargetPolicy | null;
}

/** One POST of a notification, signed per Standard Webhooks (`webhook-id`, `-timestamp`, `-signature`). */
async function post(endpoint: Target, d: Delivery, now: Date): Promise<string | null> {
  const signature = new Webhook(endpoint.secret).sign(d.id, now, d.payload);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Trunkline-Webhooks/1',
    'webhook-id': d.id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': signature,
  };
  if (endpoint.guarded) return guardedPost(endpoint.url, headers, d.payload, { policy: endpoint.guarded, timeoutMs: TIMEOUT_MS });
  try {
    const res = await fetch(endpoint.url, {
      method: 'POST',
      headers,
      body: d.payload,
      // a redirect is an answer, not an instruction: it could point anywhere
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}`;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return cause ?? (error as Error).name ?? 'failed';
  }
}

/**
 * Sends what the outbox holds, at least once: a notification stays pending until its endpoint
 * answers 2xx, is retried with growing waits, and goes to the dead-letter list after
 * `maxAttempts`. Receivers deduplicate by `webhook-id`.
 */
export function webhookDispatcher(deps: DispatcherDeps) {
  const endpoints = new Map(deps.endpoints.map((e): [string, Target] => [e.id, { url: e.url, secret: e.secret, guarded: null }]));
  const clients = deps.clients;
  /** A client's endpoint as its account registered it last (removed: none). */
  async function targetOf(id: string): Promise<Target | undefined> {
    if (!id.startsWith('account:')) return endpoints.get(id);
    if (!clients) return undefined;
    const number = id.slice('account:'.length);
    const [row] = await deps.readModels.query<{ url: string; version: number | string }>(
      'SELECT url, version FROM notify_client_webhooks WHERE number = ?',
      [number],
    );
    if (!row) return undefined;
    // checked again: a literal address is connected to without a lookup, so the guard at lookup never sees it
    checkWebhookUrl(row.url, clients.policy);
    return { url: row.url, secret: clientWebhookSecret(clients.secret, number, Number(row.version)), guarded: clients.policy };
  }
  async function attempt(d: Delivery): Promise<void> {
    const client = d.endpoint.startsWith('account:');
    let endpoint: Target | undefined;
    let unsafe: string | null = null;
    try {
      endpoint = await targetOf(d.endpoint);
    } catch (error) {
      if (!(error instanceof UnsafeWebhookTarget)) throw error;
      unsafe = `unsafe target: ${error.message}`;
    }
    const now = deps.clock.now();
    const attempts = d.attempts + 1;
    const error = endpoint
      ? await post(endpoint, d, now)
      : (unsafe ??
        // a client's row comes back when a rebuild of the notifications projection reaches it: retried, not dropped
        (client
          ? 'the client endpoint is not registered (removed, or the read models are rebuilding)'
          : 'the endpoint is no longer configured'));
    const at = deps.clock.now();
    let outcome: Outcome;
    if (error === null) outcome = { kind: 'delivered', at };
    else if (unsafe !== null || (!endpoint && !client) || attempts >= deps.maxAttempts) outcome = { kind: 'dead', at, error };
    else
      outcome = {
        kind: 'retry',
        at,
        error,
        nextAttemptAt: new Date(at.getTime() + retryDelaySeconds(attempts, deps.retryMaxSeconds) * 1000),
      };
    if (outcome.kind !== 'delivered')
      deps.logger.warn({ webhookId: d.id, endpoint: d.endpoint, attempts, error, outcome: outcome.kind }, 'webhook not delivered');
    await recordOutcome(deps.readModels, d.id, attempts, outcome);
  }
  // the projection makes the table too; a dispatcher may start before it has
  let ready: Promise<void> | null = null;
  return {
    /** One round: the due deliveries, in parallel; how many it took. */
    async runOnce(): Promise<number> {
      ready ??= deps.readModels.migrate(async (tx) => {
        await createOutbox(tx);
        await createClientEndpoints(tx);
      });
      await ready;
      const now = deps.clock.now();
      const due = await claimDue(deps.readModels, now, new Date(now.getTime() + LEASE_MS), BATCH);
      await Promise.all(due.map(attempt));
      return due.length;
    },
  };
}
