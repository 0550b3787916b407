import type { CallCost } from '../../core/rating/cost';
import { formatDuration, nanosToSeconds } from '../../core/rating/duration';
import type { LcrResult } from '../../core/rating/lcr';

/** A quote as JSON: every amount a decimal string, every duration in seconds as a decimal string. */
export function quoteJson(c: CallCost & { number?: string }, start: Date, duration: number) {
  return {
    plan: c.planId,
    ...(c.number ? { number: c.number } : {}),
    start: start.toISOString(),
    durationSeconds: nanosToSeconds(duration),
    currency: c.currency,
    destination: { id: c.destinationId, prefix: c.matchedPrefix },
    billedSeconds: nanosToSeconds(c.billed),
    connectFee: c.connectFee.toFixed(),
    parts: c.parts.map((p) => ({
      startsAt: p.startsAt.toISOString(),
      offsetSeconds: nanosToSeconds(p.offset),
      seconds: nanosToSeconds(p.duration),
      billedSeconds: nanosToSeconds(p.billed),
      increments: p.increments,
      timing: p.timingId,
      rate: p.destinationRate.rate.id,
      slot: {
        groupIntervalStart: formatDuration(p.slot.groupIntervalStart),
        rate: p.slot.rate.toFixed(),
        rateUnit: formatDuration(p.slot.rateUnit),
        rateIncrement: formatDuration(p.slot.rateIncrement),
      },
      cost: p.cost.toFixed(),
    })),
    exact: c.exact.toFixed(),
    rounding: c.rounding,
    maxCost: { amount: c.maxCost.amount.toFixed(), strategy: c.maxCost.strategy, capped: c.maxCost.capped, reached: c.maxCost.reached },
    cost: c.cost.toFixed(),
  };
}

export function lcrJson(
  r: LcrResult & { number: string; retail: CallCost | null; demoted?: readonly string[] },
  start: Date,
  duration: number,
) {
  return {
    number: r.number,
    start: start.toISOString(),
    durationSeconds: nanosToSeconds(duration),
    retail: r.retail ? { plan: r.retail.planId, cost: r.retail.cost.toFixed(), currency: r.retail.currency } : null,
    routes: r.routes.map((x, i) => ({
      order: i + 1,
      carrier: x.carrier.carrierId,
      prefix: x.prefix,
      destination: x.row.destination,
      ratePerMinute: x.row.rate,
      billedSeconds: x.billedSeconds,
      cost: x.cost.toFixed(),
      currency: x.carrier.currency,
      margin: x.margin?.toFixed() ?? null,
      preference: x.carrier.preference,
      /** Moved after the other routes by a route policy (quality routing). */
      demoted: r.demoted?.includes(x.carrier.carrierId) ?? false,
      trunks: x.carrier.trunks.map((t) => ({
        host: t.host,
        port: t.port,
        transport: t.transport,
        techPrefix: t.techPrefix,
        channels: t.channels,
      })),
    })),
    dropped: r.dropped.map((d) => ({ carrier: d.carrierId, reason: d.reason, ...(d.cost ? { cost: d.cost.toFixed() } : {}) })),
  };
}
