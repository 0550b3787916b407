import { z } from 'zod';
import { definePlugin, parseOptions } from '../../application/ports/plugin-api';

// the SMPP client loads when a gateway is made, not with every command that registers the plugin
const smpp = () => require('../../adapters/sms/smpp') as typeof import('../../adapters/sms/smpp');

const gateway = z
  .object({
    /** The carrier id (registered with service sms) whose deck prices this gateway. */
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/),
    url: z.string().regex(/^s?smpp:\/\/[^/]+:\d+$/, 'must be smpp://host:port or ssmpp://host:port'),
    systemId: z.string().min(1).max(16),
    password: z.string().max(9),
    systemType: z.string().max(13).optional(),
    window: z.number().int().min(1).max(1000).default(10),
    queueLimit: z.number().int().min(0).max(100_000).default(1000),
    submitTimeoutMs: z.number().int().min(100).max(120_000).default(5000),
    enquireLinkSeconds: z.number().int().min(1).max(3600).default(30),
    reconnectMinMs: z.number().int().min(10).max(60_000).default(500),
    reconnectMaxMs: z.number().int().min(100).max(600_000).default(30_000),
  })
  .strict();
const options = z.object({ gateways: z.array(gateway).min(1) }).strict();

/** SMPP 3.4 gateways from `pluginOptions["sms-smpp"].gateways`; inactive when none are configured. */
export default definePlugin({
  name: 'sms-smpp',
  register(host) {
    if (Object.keys(host.options).length === 0) return;
    const settings = parseOptions('sms-smpp', options, host.options);
    for (const g of settings.gateways)
      host.addSmsGateway(g.id, ({ onReceipt, logger }) =>
        smpp().smppGateway({ ...g, enquireLinkMs: g.enquireLinkSeconds * 1000, logger, onReceipt, clock: () => host.clock.now() }),
      );
  },
});
