/**
 * The configuration every `serve` of the authorization benches runs with (its `trunkline.json`).
 * BENCH_RULES=all: every limit and rule on, none reached (call limits, per-call and spend caps,
 * velocity rules, quality routing); BENCH_RULES=none: the velocity rules off too, no limit or cap.
 * Risk classes and the fraud hold are checked in both: they are not settings.
 */
export const ALL_RULES = process.env['BENCH_RULES'] === 'all';
export function benchConfig(): Record<string, unknown> {
  const pluginOptions: Record<string, unknown> = { pricing: { markupPercent: '50' } };
  if (process.env['BENCH_RULES'] === 'none') pluginOptions['velocity-rules'] = { enabled: false };
  return {
    pluginOptions,
    logLevel: 'warn',
    ...(ALL_RULES ? { maxCallCost: { EUR: '1000' }, spendCaps: { EUR: { perDay: '1000000', perMonth: '10000000' } } } : {}),
  };
}
