import express, { Router } from 'express';
import { z } from 'zod';
import { httpGateway, pick, type HttpGatewayOptions } from '../../adapters/sms/http-gateway';
import { problem } from '../../adapters/http/problem';
import { sameSecret } from '../../adapters/http/same-secret';
import { definePlugin, parseOptions, type RouterDeps } from '../../application/ports/plugin-api';

const receiptStatus = z.enum(['delivered', 'failed', 'expired']);
const gateway = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/),
    url: z.url(),
    body: z.enum(['json', 'form']).default('json'),
    headers: z.record(z.string(), z.string()).default({}),
    fields: z.object({ from: z.string(), to: z.string(), text: z.string() }).default({ from: 'from', to: 'to', text: 'text' }),
    extra: z.record(z.string(), z.string()).default({}),
    response: z
      .object({ messageId: z.string().min(1), status: z.string().optional(), accepted: z.array(z.string()).default([]) })
      .default({ messageId: 'id', accepted: [] }),
    timeoutMs: z.number().int().min(100).max(120_000).default(5000),
    receipts: z.object({
      secret: z.string().min(16, 'must be at least 16 characters'),
      messageId: z.string().min(1).default('id'),
      status: z.string().min(1).default('status'),
      error: z.string().optional(),
      statusMap: z.record(z.string(), receiptStatus).default({ delivered: 'delivered', failed: 'failed', expired: 'expired' }),
    }),
  })
  .strict();
const options = z.object({ gateways: z.array(gateway).min(1) }).strict();

/**
 * Generic HTTP SMS gateways from `pluginOptions["sms-http"].gateways`, and their delivery
 * reports at `POST /v1/webhooks/sms/<gateway id>` (Bearer: the gateway's receipts secret).
 */
export default definePlugin({
  name: 'sms-http',
  register(host) {
    // the receipts route is always there (an unconfigured gateway id is 404), so the API does not change shape with the configuration
    const settings = Object.keys(host.options).length === 0 ? { gateways: [] } : parseOptions('sms-http', options, host.options);
    const configs = new Map<string, HttpGatewayOptions>(settings.gateways.map((g) => [g.id, g]));
    for (const g of configs.values()) host.addSmsGateway(g.id, () => httpGateway(g));
    const receipts = (deps: RouterDeps) => {
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
    };
    // public to the engine's guard: each gateway's receipts carry its own secret, checked above
    host.addRouter('/v1/webhooks/sms', receipts, 'public');
  },
});
