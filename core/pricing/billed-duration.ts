import type { Nanos } from '../rating/duration';

/** How a rate row bills time: the first increment, each one after, and the least billed once connected. */
export interface Increments {
  /** Seconds billed for the first stretch of a connected call. */
  readonly initial: number;
  /** Seconds each later increment bills. */
  readonly subsequent: number;
  /** Seconds billed at least, once the call connected. */
  readonly minimum: number;
}

const NS_PER_SECOND = 1_000_000_000;

/**
 * The one rule of billed time, for quotes, authorizations, charges, carrier costs and rerating:
 * i + ⌈max(0, d − i) / s⌉ × s, at least the minimum, and nothing for a call that did not last.
 * Worked in whole nanoseconds so that no float division lands a boundary one increment up.
 */
export function billedNanos(inc: Increments, duration: Nanos): Nanos {
  if (duration <= 0) return 0;
  const initial = inc.initial * NS_PER_SECOND;
  const subsequent = inc.subsequent * NS_PER_SECOND;
  const billed = initial + Math.ceil(Math.max(0, duration - initial) / subsequent) * subsequent;
  return Math.max(billed, inc.minimum * NS_PER_SECOND);
}

/** `billedNanos` for a duration in whole seconds (a CDR's), in seconds. */
export function billedSeconds(inc: Increments, seconds: number): number {
  return billedNanos(inc, seconds * NS_PER_SECOND) / NS_PER_SECOND;
}
