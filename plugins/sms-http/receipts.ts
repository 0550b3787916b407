import express, { Router } from 'express';
import { problem } from '../../adapters/http/problem';
import { sameSecret } from '../../adapters/http/same-secret';
import { pick, type HttpGatewayOptions } from '../../adapters/sms/http-gateway';
import type { RouterDeps } from '../../application/ports/plugin-api';

/** `POST /v1/webhooks/sms/<gateway id>`: a gateway's delivery report, with the gateway's Bearer secret. */
export function receiptsRouter(configs: ReadonlyMap<string, HttpGatewayOptions>, deps: RouterDeps): Router {
  const router = Router();
  router.post('/:gatewayId', express.json({ limit: '64kb' }), async (req, res) => {
    const g = configs.get(String(req.params['gatewayId']));
    if (!g) throw problem('unknown-gateway', 404, 'Not Found', `no HTTP SMS gateway ${String(req.params['gatewayId'])}`);
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
    if (!sameSecret(token, g.receipts.secret)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="trunkline-sms-receipts"');
      throw problem('unauthorized', 401, 'Unauthorized', 'a receipt needs the gateway’s Bearer secret');
    }
    const id = pick(req.body, g.receipts.messageId);
    const word = pick(req.body, g.receipts.status);
    if ((typeof id !== 'string' && typeof id !== 'number') || typeof word !== 'string')
      throw problem('invalid-request', 400, 'Bad Request', `a receipt needs ${g.receipts.messageId} and ${g.receipts.status}`);
    // the word is the gateway's: `constructor` or `__proto__` must be an unknown status, not a function
    const status = Object.hasOwn(g.receipts.statusMap, word) ? g.receipts.statusMap[word] : undefined;
    if (!status) {
      res.status(202).json({ recorded: false, reason: `status ${word} is not final` });
      return;
    }
    const error = g.receipts.error ? pick(req.body, g.receipts.error) : undefined;
    await deps.sms.receipt({
      gatewayId: g.id,
      messageId: String(id),
      status,
      error: status === 'delivered' ? null : typeof error === 'string' ? error : word,
      at: deps.clock.now().toISOString(),
      raw: { status: word },
    });
    res.json({ recorded: true });
  });
  return router;
}
