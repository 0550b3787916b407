import { parseDecimal, type Decimal } from '../money';
import { parseGoDuration } from './duration';
import {
  ANY,
  type DestinationRate,
  type MaxCostStrategy,
  type PlanEntry,
  type Rate,
  type RatingPlan,
  type RoundingMethod,
  type Timing,
} from './tariff';

/** Plain, string-typed descriptions of plan parts, as importers and tests write them. */
export interface SlotSpec {
  readonly groupIntervalStart?: string;
  readonly rate: string;
  readonly rateUnit?: string;
  readonly rateIncrement?: string;
  readonly connectFee?: string;
}

export interface TimingSpec {
  readonly id: string;
  readonly years?: readonly number[];
  readonly months?: readonly number[];
  readonly monthDays?: readonly number[];
  readonly weekDays?: readonly number[];
  /** HH:MM:SS, default 00:00:00. */
  readonly time?: string;
}

export interface EntrySpec {
  readonly destination: string;
  readonly slots: readonly SlotSpec[];
  readonly timing?: TimingSpec;
  readonly weight?: number;
  readonly roundingMethod?: RoundingMethod;
  readonly roundingDecimals?: number;
  readonly maxCost?: string;
  readonly maxCostStrategy?: MaxCostStrategy;
  readonly rateId?: string;
}

export interface PlanSpec {
  readonly id: string;
  readonly currency: string;
  readonly timeZone?: string;
  readonly destinations: Readonly<Record<string, readonly string[]>>;
  readonly entries: readonly EntrySpec[];
}

export class PlanError extends Error {
  override readonly name = 'PlanError';
}

export const ALWAYS: Timing = { id: ANY, years: [], months: [], monthDays: [], weekDays: [], startSecond: 0 };

export function parseTimeOfDay(text: string): number {
  const m = /^(\d{1,2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3]) > 59)
    throw new PlanError(`not a time of day (HH:MM:SS): ${JSON.stringify(text)}`);
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

export function timing(spec: TimingSpec): Timing {
  return {
    id: spec.id,
    years: spec.years ?? [],
    months: spec.months ?? [],
    monthDays: spec.monthDays ?? [],
    weekDays: spec.weekDays ?? [],
    startSecond: spec.time ? parseTimeOfDay(spec.time) : 0,
  };
}

/** One Decimal per distinct price text: equal prices are the same object, which exact sums rely on to group parts. */
const interned = new Map<string, Decimal>();
function price(text: string): Decimal {
  let d = interned.get(text);
  if (!d) {
    d = parseDecimal(text);
    if (interned.size < 1_000_000) interned.set(text, d);
  }
  return d;
}

export function rate(id: string, slots: readonly SlotSpec[]): Rate {
  if (slots.length === 0) throw new PlanError(`rate ${id} has no slot`);
  const built = slots
    .map((s) => {
      const r = {
        groupIntervalStart: parseGoDuration(s.groupIntervalStart ?? '0s'),
        rate: price(s.rate),
        rateUnit: parseGoDuration(s.rateUnit ?? '60s'),
        rateIncrement: parseGoDuration(s.rateIncrement ?? '1s'),
        connectFee: price(s.connectFee ?? '0'),
      };
      if (r.rateUnit <= 0) throw new PlanError(`rate ${id}: RateUnit must be above zero`);
      if (r.rate.isNegative() || r.connectFee.isNegative()) throw new PlanError(`rate ${id}: a rate or connect fee cannot be negative`);
      return r;
    })
    .sort((a, b) => a.groupIntervalStart - b.groupIntervalStart);
  if (built[0]!.groupIntervalStart !== 0) throw new PlanError(`rate ${id}: the first slot must start at 0s`);
  return { id, slots: built };
}

/** Builds a plan from specs; entries of one destination share a rate per distinct spec. */
export function buildPlan(spec: PlanSpec): RatingPlan {
  const entries = new Map<string, PlanEntry[]>();
  spec.entries.forEach((e, i) => {
    if (e.destination !== ANY && !spec.destinations[e.destination])
      throw new PlanError(`plan ${spec.id}: unknown destination ${e.destination}`);
    const destinationRate: DestinationRate = {
      id: `${spec.id}:${i}`,
      destinationId: e.destination,
      rate: rate(e.rateId ?? `${spec.id}:${e.destination}:${i}`, e.slots),
      roundingMethod: e.roundingMethod ?? '*up',
      roundingDecimals: e.roundingDecimals ?? 4,
      maxCost: parseDecimal(e.maxCost ?? '0'),
      maxCostStrategy: e.maxCostStrategy ?? '',
    };
    const list = entries.get(e.destination) ?? [];
    list.push({ destinationRate, timing: e.timing ? timing(e.timing) : ALWAYS, weight: e.weight ?? 10 });
    entries.set(e.destination, list);
  });
  return {
    id: spec.id,
    currency: spec.currency,
    timeZone: spec.timeZone ?? 'UTC',
    destinations: new Map(Object.entries(spec.destinations)),
    entries,
  };
}
