import { z } from 'zod';
import { definePlugin, parseOptions } from '../../application/ports/plugin-api';
import { manyCountries, shortCallsToOnePrefix, smsPumping, spendSpike } from '../../core/fraud/velocity';

const count = (max: number) => z.number().int().min(1).max(max);
const decimal = z.string().regex(/^(0|[1-9]\d*)(\.\d+)?$/, 'must be a decimal string such as "10.00"');
const options = z
  .object({
    /** false: no rule runs (a provider's own rules, from its own plugin, still do). */
    enabled: z.boolean().default(true),
    spendSpike: z
      .union([
        z.literal(false),
        z
          .object({
            multiplier: z.number().min(1).max(1000).default(10),
            /** Per currency, the least an hour's spend must be to count as a spike. */
            minimum: z.record(z.string().regex(/^[A-Z]{3}$/), decimal).default({}),
            defaultMinimum: decimal.default('10'),
          })
          .strict(),
      ])
      .default({ multiplier: 10, minimum: {}, defaultMinimum: '10' }),
    manyCountries: z
      .union([z.literal(false), z.object({ countries: count(250).default(6), minutes: count(60).default(15) }).strict()])
      .default({ countries: 6, minutes: 15 }),
    shortCalls: z
      .union([
        z.literal(false),
        z
          .object({
            calls: count(10_000).default(10),
            numbers: count(10_000).default(5),
            maxSeconds: count(600).default(10),
            prefixDigits: z.number().int().min(2).max(15).default(6),
            minutes: count(60).default(30),
          })
          .strict(),
      ])
      .default({ calls: 10, numbers: 5, maxSeconds: 10, prefixDigits: 6, minutes: 30 }),
    smsPumping: z
      .union([
        z.literal(false),
        z
          .object({
            texts: count(10_000).default(10),
            rangeDigits: z.number().int().min(1).max(6).default(3),
            minutes: count(60).default(15),
          })
          .strict(),
      ])
      .default({ texts: 10, rangeDigits: 3, minutes: 15 }),
  })
  .strict();

/**
 * The velocity rules that ship with Trunkline (docs/limits.md#velocity-rules): spend spikes,
 * calls to many countries, IRSF's short calls to one range, SMS pumping. Thresholds are
 * `pluginOptions["velocity-rules"]`; a rule set to false is off. A provider adds rules of its own
 * from its own plugin with `host.addVelocityRule`.
 */
export default definePlugin({
  name: 'velocity-rules',
  register(host) {
    const o = parseOptions('velocity-rules', options, host.options);
    if (!o.enabled) return;
    if (o.spendSpike) host.addVelocityRule(spendSpike(o.spendSpike));
    if (o.manyCountries) host.addVelocityRule(manyCountries(o.manyCountries));
    if (o.shortCalls) host.addVelocityRule(shortCallsToOnePrefix(o.shortCalls));
    if (o.smsPumping) host.addVelocityRule(smsPumping(o.smsPumping));
  },
});
