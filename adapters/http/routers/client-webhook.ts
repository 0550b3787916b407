import { Router } from 'express';
import { z } from 'zod';
import { NOTIFICATION_TYPES } from '../../../core/notifications/notifications';
import type { AccountService } from '../../../application/accounts/service';
import { clientWebhookSecret } from '../../webhooks/client-secret';
import { checkWebhookUrl, UnsafeWebhookTarget, type TargetPolicy } from '../../webhooks/target-guard';
import { problem } from '../problem';
import { callerOf, requireSignature, type SignatureDeps } from '../signatures/middleware';

export interface ClientWebhookDeps {
  readonly accounts: AccountService;
  readonly signatures: SignatureDeps;
  /** The provider's `clientWebhookSecret`; undefined: client endpoints are off. */
  readonly secret: string | undefined;
  readonly policy: TargetPolicy;
}

const body = z.object({ url: z.string().min(1).max(2048) }).strict();

/**
 * A client app's own webhook endpoint: `PUT` registers it (or rotates its secret) and answers the
 * signing secret, once; `GET` shows the URL, `DELETE` removes it. It receives its account's
 * notifications, signed as the provider's endpoints are (Standard Webhooks).
 */
export function clientWebhookRouter(deps: ClientWebhookDeps): Router {
  const router = Router();
  const signed = requireSignature(deps.signatures);
  const own = (res: Parameters<typeof callerOf>[0]) => {
    const caller = callerOf(res);
    if (caller.kind !== 'number') throw problem('number-key-required', 403, 'Forbidden', 'this is a number’s own setting');
    if (!deps.secret)
      throw problem(
        'client-webhooks-disabled',
        503,
        'Service Unavailable',
        'this provider has not enabled client webhooks (clientWebhookSecret)',
      );
    return { ...caller, secret: deps.secret };
  };
  router.put('/me/webhook', ...signed, async (req, res) => {
    const caller = own(res);
    let url: string;
    try {
      url = checkWebhookUrl(body.parse(req.body).url, deps.policy);
    } catch (error) {
      if (error instanceof UnsafeWebhookTarget) throw problem('unsafe-webhook-url', 422, 'Unprocessable Content', error.message);
      throw error;
    }
    const requestKey = req.get('idempotency-key') ?? `nonce:${caller.nonce}`;
    if (requestKey.length > 200) throw problem('invalid-request', 400, 'Bad Request', 'Idempotency-Key is longer than 200 characters');
    const account = await deps.accounts.change(caller.keyid, { type: 'set-client-webhook', data: { url, requestKey } }, caller.keyid);
    const hook = account.clientWebhook!;
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      url: hook.url,
      version: hook.version,
      secret: clientWebhookSecret(caller.secret, caller.keyid, hook.version),
      events: NOTIFICATION_TYPES,
    });
  });
  router.get('/me/webhook', ...signed, async (_req, res) => {
    const caller = own(res);
    const hook = (await deps.accounts.get(caller.keyid)).clientWebhook;
    res.json({ url: hook?.url ?? null, version: hook?.version ?? null });
  });
  router.delete('/me/webhook', ...signed, async (_req, res) => {
    const caller = own(res);
    await deps.accounts.change(caller.keyid, { type: 'remove-client-webhook', data: {} }, caller.keyid);
    res.json({ url: null, version: null });
  });
  return router;
}
