import { z } from 'zod';
import { Decimal, parseDecimal, roundDecimal } from '../../core/money';
import type { PricingPolicy } from './policy';

const decimal = z.string().regex(/^(0|[1-9]\d*)(\.\d+)?$/, 'a decimal string');

export const markupOptions = z
  .object({
    /** cost × (1 + markupPercent / 100) … */
    markupPercent: decimal.default('0'),
    /** … but at least cost + this, per minute. */
    minMarginPerMinute: decimal.default('0'),
    /** Prefix → fixed retail rate per minute, whatever the cost. */
    overrides: z.record(z.string().regex(/^\d{1,20}$/), decimal).default({}),
    /** Prefixes customers call for free (the provider pays the carrier). */
    freePrefixes: z.array(z.string().regex(/^\d{1,20}$/)).default([]),
    /** Retail rates and connect fees are rounded up to this many decimals (the sell precision). */
    sellDecimals: z.number().int().min(0).max(10).default(4),
    /** Increments of overridden and free prefixes; a marked-up prefix bills in its carrier's. */
    initial: z.number().int().min(1).default(1),
    subsequent: z.number().int().min(1).default(1),
  })
  .strict();

export type MarkupOptions = z.infer<typeof markupOptions>;

/** Longest listed prefix of `prefix` in a set, so an override on 4479 covers 44791 too. */
function longestListed(prefix: string, listed: ReadonlySet<string>): string | null {
  for (let n = prefix.length; n > 0; n--) if (listed.has(prefix.slice(0, n))) return prefix.slice(0, n);
  return null;
}

/**
 * Products rounded up, not half-even, when they outgrow the 40 digits: this step must never
 * land below the exact price.
 */
const Upward = Decimal.clone({ rounding: Decimal.ROUND_UP });

/**
 * The built-in policy: the cost row's rate marked up (at least cost + minMarginPerMinute), its
 * connect fee marked up, its increments and minimum kept, so every call, however short, is
 * charged at least its carrier cost × (1 + markupPercent / 100). Keeping the carrier's billing
 * shape is what makes that hold for each duration: a per-second price with no fee would have to
 * cover a 1 s call billed as a whole minute plus the fee. Rates and fees are rounded *up* to the
 * sell precision (rounding down could sell below cost). Overrides and free prefixes are fixed
 * prices, whatever the cost: no fee, no minimum, the configured increments.
 */
export function markupPolicy(options: MarkupOptions): PricingPolicy {
  const factor = new Upward(100).plus(parseDecimal(options.markupPercent)).dividedBy(100);
  const minMargin = parseDecimal(options.minMarginPerMinute);
  const overrides = new Map(Object.entries(options.overrides).map(([p, r]) => [p, parseDecimal(r)]));
  const overridden = new Set(overrides.keys());
  const free = new Set(options.freePrefixes);
  const up = (x: Decimal) => roundDecimal(new Decimal(x), 'up', options.sellDecimals);
  return {
    name: 'markup',
    price({ prefix, cost }) {
      const fixed = { connectFee: new Decimal(0), initial: options.initial, subsequent: options.subsequent, minimum: 0 };
      if (longestListed(prefix, free)) return { ...fixed, ratePerMinute: new Decimal(0), free: true };
      const o = longestListed(prefix, overridden);
      if (o) return { ...fixed, ratePerMinute: up(overrides.get(o)!), free: false };
      const rate = new Upward(cost.ratePerMinute);
      return {
        ratePerMinute: up(Decimal.max(rate.times(factor), rate.plus(minMargin))),
        connectFee: up(new Upward(cost.connectFee).times(factor)),
        initial: cost.initial,
        subsequent: cost.subsequent,
        minimum: cost.minimum,
        free: false,
      };
    },
  };
}
