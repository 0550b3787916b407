import { z } from 'zod';
import { httpGateway, type HttpGatewayOptions } from '../../adapters/sms/http-gateway';
import { definePlugin, parseOptions, type RouterDeps } from '../../application/ports/plugin-api';

// the receipts router, and express with it, loads when the HTTP app is built: a command never builds it
const receiptsRouter = () => require('./receipts') as typeof import('./receipts');

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
    const receipts = (deps: RouterDeps) => receiptsRouter().receiptsRouter(configs, deps);
    // public to the engine's guard: each gateway's receipts carry its own secret, checked above
    host.addRouter('/v1/webhooks/sms', receipts, 'public');
  },
});
