import { z } from 'zod';
import { restrictionSchema } from '../../core/wallet';
import { definePlugin, parseOptions } from '../../application/ports/plugin-api';

const decimal = z.string().regex(/^(0|[1-9]\d*)(\.\d+)?$/, 'must be a decimal string such as "0.50"');
const options = z
  .object({
    /** Credit per account currency, e.g. { "EUR": "0.50", "USD": "0.50" }; a currency not listed gets none. */
    amounts: z.record(z.string().regex(/^[A-Z]{3}$/), decimal),
    /** Days the credit lasts from the opening. */
    validDays: z.number().int().min(1).max(3650).default(30),
    /** Where it may be spent, e.g. { "countries": ["GB","FR"], "numberTypes": ["landline"] }; null: anywhere. */
    restriction: restrictionSchema.nullable().default(null),
  })
  .strict();

/**
 * Free trial credit: every new account receives it with its opening, in one append, so once per
 * phone number, ever (a number opens once; a closed account is never reopened).
 * Configure with `pluginOptions["trial-credit"]`; without `amounts` nothing is granted.
 */
export default definePlugin({
  name: 'trial-credit',
  register(host) {
    if (Object.keys(host.options).length === 0) return;
    const settings = parseOptions('trial-credit', options, host.options);
    const o = settings;
    host.addAccountOpeningPolicy({
      name: 'trial-credit',
      describe() {
        const given = Object.entries(o.amounts).filter(([, amount]) => !/^0(\.0+)?$/.test(amount));
        if (given.length === 0) return null;
        const amounts = given.map(([currency, amount]) => `${amount} ${currency}`).join(' or ');
        return `${amounts} of trial credit on opening, valid ${o.validDays} days${o.restriction ? ', for some destinations only' : ''}`;
      },
      welcome(currency, openedAt) {
        const amount = o.amounts[currency];
        if (!amount || /^0(\.0+)?$/.test(amount)) return [];
        return [
          {
            grantId: 'trial',
            amount,
            reason: 'trial',
            source: 'trial-credit',
            expiresAt: new Date(openedAt.getTime() + o.validDays * 86_400_000).toISOString(),
            restriction: o.restriction,
          },
        ];
      },
    });
  },
});
