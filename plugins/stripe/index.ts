import { z } from 'zod';
import { definePlugin, parseOptions } from '../../application/ports/plugin-api';

const options = z
  .object({
    secretKey: z.string().regex(/^(sk|rk)_(test|live)_\w+$/, 'must be a Stripe secret or restricted key (sk_… or rk_…)'),
    webhookSecret: z.string().regex(/^whsec_\w+$/, 'must be a webhook signing secret (whsec_…)'),
    apiUrl: z.url().optional(),
    toleranceSeconds: z.number().int().min(1).max(3600).optional(),
  })
  .strict();

/**
 * Stripe top-ups: active when `pluginOptions.stripe` (or STRIPE_SECRET_KEY and
 * STRIPE_WEBHOOK_SECRET) is set; otherwise top-ups answer 503 no-payment-processor.
 */
export default definePlugin({
  name: 'stripe',
  async register(host) {
    if (Object.keys(host.options).length === 0) {
      host.logger.info('stripe: not configured (set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET); top-ups are off');
      return;
    }
    const settings = parseOptions('stripe', options, host.options);
    // the stripe library takes about 80 ms to load: only an engine that takes payments pays it
    const { stripeProcessor } = await import('../../adapters/payments/stripe/processor');
    host.addPaymentProcessor(stripeProcessor(settings));
  },
});
