import { z } from 'zod';
import { Decimal, parseDecimal } from '../../core/money';
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
    /** Retail rates are rounded up to this many decimals (the sell precision). */
    sellDecimals: z.number().int().min(0).max(10).default(4),
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
 * The built-in policy: markup with a minimum margin, per-prefix overrides and free prefixes,
 * rounded *up* to the sell precision (rounding down could sell below cost).
 */
export function markupPolicy(options: MarkupOptions): PricingPolicy {
  const factor = new Decimal(100).plus(parseDecimal(options.markupPercent)).dividedBy(100);
  const minMargin = parseDecimal(options.minMarginPerMinute);
  const overrides = new Map(Object.entries(options.overrides).map(([p, r]) => [p, parseDecimal(r)]));
  const overridden = new Set(overrides.keys());
  const free = new Set(options.freePrefixes);
  return {
    name: 'markup',
    price({ prefix, costPerMinute }) {
      const base = { initial: options.initial, subsequent: options.subsequent };
      if (longestListed(prefix, free)) return { ...base, ratePerMinute: new Decimal(0), free: true };
      const o = longestListed(prefix, overridden);
      const raw = o ? overrides.get(o)! : Decimal.max(costPerMinute.times(factor), costPerMinute.plus(minMargin));
      return { ...base, ratePerMinute: raw.toDecimalPlaces(options.sellDecimals, Decimal.ROUND_UP), free: false };
    },
  };
}
