import { z } from 'zod';
import { definePlugin, parseOptions, type RoutePolicy } from '../../application/ports/plugin-api';
import { carrierQualityProjection, demotedNow, demotionKey } from '../../projections/quality/projection';

const percent = z.string().regex(/^(100|\d{1,2})(\.\d{1,2})?$/, 'must be a percentage such as "40" or "42.5"');
const seconds = z.string().regex(/^\d{1,5}(\.\d{1,2})?$/, 'must be seconds such as "20" or "12.5"');

export const qualityRoutingOptions = z
  .object({
    /** Demote a carrier for a prefix when its ASR over the window is below this (percent). */
    asrBelowPercent: percent.default('40'),
    /** Restore it only once ASR is at least asrBelowPercent plus this. */
    asrMarginPercent: percent.default('10'),
    /** Also demote when ACD is below this many seconds; absent: ACD is not judged. */
    acdBelowSeconds: seconds.optional(),
    acdMarginSeconds: seconds.default('10'),
    /** Fewer calls than this in the window: too few to judge; a demoted carrier is restored. */
    minAttempts: z.number().int().min(1).max(100_000).default(20),
    /** The sliding window, in minutes of event time. */
    windowMinutes: z.number().int().min(1).max(10_080).default(60),
    /** How often a serving engine reloads the demotions from the read models. */
    refreshSeconds: z.number().int().min(1).max(3600).default(5),
  })
  .strict();

/**
 * Quality routing: a carrier whose ASR (or ACD) for a destination prefix falls below the
 * provider's threshold over the last minutes of traffic moves after the other carriers in
 * least-cost order, and back once it recovers (with hysteresis). Enable it with
 * `"plugins": ["./plugins/quality-routing"]` and its options under `pluginOptions["quality-routing"]`.
 */
export default definePlugin({
  name: 'quality-routing',
  register(host) {
    const o = parseOptions('quality-routing', qualityRoutingOptions, host.options);
    host.addProjection(
      carrierQualityProjection({
        asrBelowPercent: o.asrBelowPercent,
        asrMarginPercent: o.asrMarginPercent,
        acdBelowSeconds: o.acdBelowSeconds ?? null,
        acdMarginSeconds: o.acdMarginSeconds,
        minAttempts: o.minAttempts,
        windowMinutes: o.windowMinutes,
      }),
    );
    let demoted: ReadonlySet<string> = new Set();
    const policy: RoutePolicy = {
      name: 'quality-routing',
      demotes: (route) => demoted.size > 0 && demoted.has(demotionKey(route.carrier.carrierId, route.prefix)),
      async refresh(readModels) {
        const next = await demotedNow((sql) => readModels.query(sql));
        if (next.size !== demoted.size || [...next].some((k) => !demoted.has(k)))
          host.logger.info({ demoted: [...next].map((k) => k.replace('\u0000', ' ')) }, 'carrier demotions changed');
        demoted = next;
      },
    };
    host.addRoutePolicy(policy);
    host.addJob('refresh-demotions', o.refreshSeconds, ({ readModels }) => policy.refresh!(readModels));
  },
});
