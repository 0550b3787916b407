import { Decimal, roundDecimal } from '../money';
import type { Route } from './lcr';

/** What one carrier did for one destination prefix over a window: calls tried, answered, seconds talked. */
export interface WindowCounts {
  readonly attempts: number;
  readonly answered: number;
  readonly seconds: number;
}

/**
 * When a carrier is demoted for a prefix: with at least `minAttempts` in the window, ASR below
 * `asrBelowPercent` or (when set) ACD below `acdBelowSeconds`. It is restored only once ASR is at
 * least `asrBelowPercent + asrMarginPercent` and ACD at least `acdBelowSeconds + acdMarginSeconds`
 * (hysteresis: a carrier hovering at the threshold does not flap), or once the window holds
 * fewer than `minAttempts` calls (nothing left to judge it on: it is tried first again).
 */
export interface QualityThresholds {
  readonly asrBelowPercent: string;
  readonly asrMarginPercent: string;
  readonly acdBelowSeconds: string | null;
  readonly acdMarginSeconds: string;
  readonly minAttempts: number;
}

/** Answered ÷ attempts in percent, rounded half-even to 2 decimals; null without attempts. */
export function asrPercent(c: WindowCounts): string | null {
  return c.attempts === 0 ? null : roundDecimal(new Decimal(c.answered).times(100).dividedBy(c.attempts), 'half-even', 2).toFixed(2);
}

/** Seconds ÷ answered calls, rounded half-even to 1 decimal; null without answered calls. */
export function acdSeconds(c: WindowCounts): string | null {
  return c.answered === 0 ? null : roundDecimal(new Decimal(c.seconds).dividedBy(c.answered), 'half-even', 1).toFixed(1);
}

/** Average post-dial delay in seconds (2 decimals, half-even) over the calls it was measured for; null: none. */
export function pddSeconds(sum: number, calls: number): string | null {
  return calls === 0 ? null : roundDecimal(new Decimal(sum).dividedBy(calls), 'half-even', 2).toFixed(2);
}

/** Whether ASR is below `percent`, exactly (answered × 100 < percent × attempts). */
function asrBelow(c: WindowCounts, percent: Decimal): boolean {
  return new Decimal(c.answered).times(100).lessThan(percent.times(c.attempts));
}

/** Whether ACD is below `seconds`, exactly; a window with no answered call has no ACD to be below. */
function acdBelow(c: WindowCounts, seconds: Decimal): boolean {
  return c.answered > 0 && new Decimal(c.seconds).lessThan(seconds.times(c.answered));
}

/** The carrier's state after looking at its window: demoted (true) or not, given what it was. */
export function nextDemoted(wasDemoted: boolean, c: WindowCounts, t: QualityThresholds): boolean {
  if (c.attempts < t.minAttempts) return false;
  const asr = new Decimal(t.asrBelowPercent);
  const acd = t.acdBelowSeconds === null ? null : new Decimal(t.acdBelowSeconds);
  if (!wasDemoted) return asrBelow(c, asr) || (acd !== null && acdBelow(c, acd));
  const asrBack = !asrBelow(c, asr.plus(t.asrMarginPercent));
  const acdBack = acd === null || (c.answered > 0 && !acdBelow(c, acd.plus(t.acdMarginSeconds)));
  return !(asrBack && acdBack);
}

/** The first minute of the window ending at `at` (`windowMinutes` whole minutes, the current one included). */
export function windowStart(at: Date, windowMinutes: number): string {
  const minute = Math.floor(at.getTime() / 60_000) - (windowMinutes - 1);
  return new Date(minute * 60_000).toISOString();
}

/** The minute an instant falls in, as the ISO instant of its start. */
export function minuteOf(at: Date): string {
  return new Date(Math.floor(at.getTime() / 60_000) * 60_000).toISOString();
}

/**
 * The routes with the demoted ones moved after the others, each group keeping its order (cost,
 * preference, id). Only ever a reordering of the routes given: nothing is added or removed, so
 * what the margin guard dropped stays dropped. Returns the same array when nothing moves.
 */
export function demoteRoutes(
  routes: readonly Route[],
  demoted: (route: Route) => boolean,
): { routes: readonly Route[]; demoted: string[] } {
  let down: Route[] | null = null;
  const up: Route[] = [];
  for (const r of routes) {
    if (demoted(r)) (down ??= []).push(r);
    else up.push(r);
  }
  if (!down) return { routes, demoted: [] };
  return { routes: [...up, ...down], demoted: down.map((r) => r.carrier.carrierId) };
}
