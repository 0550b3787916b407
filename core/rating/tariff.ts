import type { Decimal } from '../money';
import type { Nanos } from './duration';

/** One slot of a rate: from `groupIntervalStart` into the call, `rate` per `rateUnit`, billed in `rateIncrement`s. */
export interface RateSlot {
  readonly groupIntervalStart: Nanos;
  readonly rate: Decimal;
  readonly rateUnit: Nanos;
  readonly rateIncrement: Nanos;
  /** Only the first slot's is used, once per call. */
  readonly connectFee: Decimal;
}

export interface Rate {
  readonly id: string;
  /** Sorted by groupIntervalStart; the first starts at 0. */
  readonly slots: readonly RateSlot[];
}

export type RoundingMethod = '*up' | '*middle' | '*down';
export type MaxCostStrategy = '*free' | '*disconnect' | '';

export interface DestinationRate {
  readonly id: string;
  readonly destinationId: string;
  readonly rate: Rate;
  readonly roundingMethod: RoundingMethod;
  readonly roundingDecimals: number;
  /** 0: no maximum. */
  readonly maxCost: Decimal;
  readonly maxCostStrategy: MaxCostStrategy;
}

/** When a plan entry applies: each list empty means `*any`; `startSecond` is the local time it starts. */
export interface Timing {
  readonly id: string;
  readonly years: readonly number[];
  readonly months: readonly number[];
  readonly monthDays: readonly number[];
  /** 1 = Monday … 7 = Sunday. */
  readonly weekDays: readonly number[];
  readonly startSecond: number;
}

export interface PlanEntry {
  readonly destinationRate: DestinationRate;
  readonly timing: Timing;
  readonly weight: number;
}

/** A rating plan as the engine rates with it: destinations' prefixes and their timed entries. */
export interface RatingPlan {
  readonly id: string;
  readonly currency: string;
  /** IANA time zone the timings are read in. */
  readonly timeZone: string;
  /** Destination id → its prefixes. */
  readonly destinations: ReadonlyMap<string, readonly string[]>;
  /** Destination id (or `*any`) → entries. */
  readonly entries: ReadonlyMap<string, readonly PlanEntry[]>;
}

export const ANY = '*any';
