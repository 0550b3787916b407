import { Decimal, roundDecimal, type RoundingMode } from '../money';
import { compilePlan } from './compiled-plan';
import { NS_PER_SECOND, type Nanos } from './duration';
import type { DestinationRate, PlanEntry, RateSlot, RatingPlan, RoundingMethod } from './tariff';
import { zone, type Zone } from './zoned-time';

export class UnratedDestinationError extends Error {
  override readonly name = 'UnratedDestinationError';
  readonly code = 'UNAUTHORIZED_DESTINATION';
  constructor(
    readonly planId: string,
    readonly digits: string,
  ) {
    super(`rating plan ${planId} does not rate +${digits}`);
  }
}

export class NoTimingError extends Error {
  override readonly name = 'NoTimingError';
}

/** One stretch of the call rated at one slot of one timing. */
export interface RatedPart {
  /** Offset from the call start where this part begins (billed time, so increments push it). */
  readonly offset: Nanos;
  readonly startsAt: Date;
  /** Call time this part covers, and what it bills after rounding up to whole increments. */
  readonly duration: Nanos;
  readonly billed: Nanos;
  readonly increments: number;
  readonly timingId: string;
  readonly destinationRate: DestinationRate;
  readonly slot: RateSlot;
  /** billed × rate / unit, to 40 significant digits (the call total is summed exactly, not from these). */
  readonly cost: Decimal;
}

export interface CallCost {
  readonly planId: string;
  readonly currency: string;
  readonly destinationId: string;
  /** The longest prefix that matched; empty for the `*any` fallback. */
  readonly matchedPrefix: string;
  readonly parts: readonly RatedPart[];
  readonly connectFee: Decimal;
  readonly billed: Nanos;
  /** Connect fee plus every part, exactly. */
  readonly exact: Decimal;
  readonly rounding: { readonly method: RoundingMethod; readonly decimals: number; readonly applied: boolean };
  readonly maxCost: { readonly amount: Decimal; readonly strategy: string; readonly capped: boolean; readonly reached: boolean };
  /** What the call costs. */
  readonly cost: Decimal;
}

const unitDecimals = new WeakMap<RateSlot, Decimal>();
/** A slot's unit as a Decimal, made once: converting a number costs as much as a multiplication. */
function unitOf(slot: RateSlot): Decimal {
  let d = unitDecimals.get(slot);
  if (!d) unitDecimals.set(slot, (d = new Decimal(slot.rateUnit)));
  return d;
}

/** A part of a rated call; its own cost is computed only when a breakdown reads it. */
class Part implements RatedPart {
  #cost: Decimal | null = null;
  constructor(
    readonly offset: Nanos,
    private readonly startMs: number,
    readonly duration: Nanos,
    readonly billed: Nanos,
    readonly increments: number,
    readonly timingId: string,
    readonly destinationRate: DestinationRate,
    readonly slot: RateSlot,
  ) {}
  get startsAt(): Date {
    return new Date(this.startMs);
  }
  get cost(): Decimal {
    return (this.#cost ??= this.slot.rate.times(this.billed).dividedBy(unitOf(this.slot)));
  }
}

/** CGRateS rounding methods as the engine's rounding modes: *up toward +∞, *middle half away from zero, *down toward −∞. */
const ROUND: Record<RoundingMethod, RoundingMode> = {
  '*up': 'ceil',
  '*middle': 'half-up',
  '*down': 'floor',
};

const NS_PER_MS = 1_000_000;

/** The entry in force at an instant: highest weight, then the latest start before it. */
function activeEntry(entries: readonly PlanEntry[], z: Zone, ms: number): PlanEntry | null {
  const t = z.local(ms);
  let best: PlanEntry | null = null;
  for (const e of entries) {
    const tm = e.timing;
    if (t.secondOfDay < tm.startSecond) continue;
    if (tm.years.length && !tm.years.includes(t.year)) continue;
    if (tm.months.length && !tm.months.includes(t.month)) continue;
    if (tm.monthDays.length && !tm.monthDays.includes(t.monthDay)) continue;
    if (tm.weekDays.length && !tm.weekDays.includes(t.weekDay)) continue;
    if (!best || e.weight > best.weight || (e.weight === best.weight && tm.startSecond > best.timing.startSecond)) best = e;
  }
  return best;
}

/** The next instant after `ms` at which another entry could take over: a timing start or midnight. */
function nextTimingChange(entries: readonly PlanEntry[], z: Zone, ms: number): number {
  let next = z.nextMidnight(ms);
  for (const e of entries) {
    const at = z.atSecondOfDay(ms, e.timing.startSecond);
    if (at > ms && at < next) next = at;
  }
  return next;
}

/** A timing that covers every instant: a destination with only such an entry never splits on time. */
function always(e: PlanEntry): boolean {
  const t = e.timing;
  return t.startSecond === 0 && !t.years.length && !t.months.length && !t.monthDays.length && !t.weekDays.length;
}

/**
 * When another entry takes over from `current` before `endMs` (or Infinity). Candidate instants
 * are timing starts and midnights; one where the same entry stays in force is no boundary, so
 * a call under one all-day rate is not cut at midnight (a cut would bill two rounded-up parts).
 */
function entryChange(entries: readonly PlanEntry[], current: PlanEntry, z: Zone, ms: number, endMs: number): number {
  if (entries.length === 1 && always(current)) return Infinity;
  let at = ms;
  // bounded: a call of ≤ 104 days meets at most a few hundred candidate instants
  for (let i = 0; i < 10_000; i++) {
    at = nextTimingChange(entries, z, at);
    if (at >= endMs) return Infinity;
    if (activeEntry(entries, z, at) !== current) return at;
  }
  return at;
}

function slotAt(slots: readonly RateSlot[], offset: Nanos): [slot: RateSlot, nextStart: Nanos] {
  let i = 0;
  while (i + 1 < slots.length && slots[i + 1]!.groupIntervalStart <= offset) i++;
  return [slots[i]!, i + 1 < slots.length ? slots[i + 1]!.groupIntervalStart : Infinity];
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Σ rate × billed / unit + connect fee, exactly: the parts are summed as numerators over the
 * least common multiple of their units and divided once. Summing the parts' quotients instead
 * would add their 40-digit approximations of repeating decimals (0.1 × 7 / 60), and a total
 * a hair above 0.3 rounds *up to 0.3001.
 */
/** Decimals of whole-second durations, made once each: parsing a number costs as much as a multiplication. */
const secondsCache: Decimal[] = [];
function billedDecimal(billed: Nanos, unit: Nanos): [amount: Decimal, unit: Decimal] {
  const seconds = billed / NS_PER_SECOND;
  if (Number.isInteger(seconds) && seconds <= 86_400 && unit % NS_PER_SECOND === 0) {
    const d = (secondsCache[seconds] ??= new Decimal(seconds));
    return [d, unitSeconds(unit)];
  }
  return [new Decimal(billed), new Decimal(unit)];
}
const unitSecondsCache = new Map<number, Decimal>();
function unitSeconds(unit: Nanos): Decimal {
  let d = unitSecondsCache.get(unit);
  if (!d) unitSecondsCache.set(unit, (d = new Decimal(unit / NS_PER_SECOND)));
  return d;
}

function exactTotal(parts: readonly RatedPart[], connectFee: Decimal): Decimal {
  if (parts.length === 0) return connectFee;
  // the common case: every part at one price (rates are interned, so equal prices are one object)
  const first = parts[0]!.slot;
  let billedSum = 0;
  let onePrice = true;
  for (const p of parts) {
    if (p.slot.rate !== first.rate || p.slot.rateUnit !== first.rateUnit) onePrice = false;
    billedSum += p.billed;
  }
  if (onePrice) {
    const [billed, unit] = billedDecimal(billedSum, first.rateUnit);
    const total = first.rate.times(billed).dividedBy(unit);
    return connectFee.isZero() ? total : total.plus(connectFee);
  }
  // parts that share a slot share rate and unit: sum their billed time first (whole numbers)
  const bySlot = new Map<RateSlot, number>();
  for (const p of parts) bySlot.set(p.slot, (bySlot.get(p.slot) ?? 0) + p.billed);
  if (bySlot.size === 1) {
    const [slot, billedNs] = [...bySlot][0]!;
    const [billed, unit] = billedDecimal(billedNs, slot.rateUnit);
    const total = slot.rate.times(billed).dividedBy(unit);
    return connectFee.isZero() ? total : total.plus(connectFee);
  }
  let lcm = 1;
  for (const slot of bySlot.keys()) lcm = (lcm / gcd(lcm, slot.rateUnit)) * slot.rateUnit;
  if (!Number.isSafeInteger(lcm)) throw new RangeError('the rate units of this call have no common multiple below 2^53 ns');
  let numerator = connectFee.times(lcm);
  for (const [slot, billed] of bySlot) numerator = numerator.plus(slot.rate.times(billed).times(lcm / slot.rateUnit));
  return numerator.dividedBy(lcm);
}

/**
 * Rates a call of `duration` starting at `start` to `digits` (E.164 without +) on `plan`, by
 * the rules in docs/rating.md: longest prefix, timing and slot splits, whole increments, one
 * connect fee, one rounding of the total, MaxCost.
 */
export function rateCall(plan: RatingPlan, digits: string, start: Date, duration: Nanos): CallCost {
  const d = destinationOf(plan, digits);
  if (!d) throw new UnratedDestinationError(plan.id, digits);
  return rateEntries(plan, d, d.entries, start, duration);
}

/** The plan's entries for a number: its longest prefix's destination, else `*any`, else null. */
export function destinationOf(
  plan: RatingPlan,
  digits: string,
): { readonly entries: readonly PlanEntry[]; readonly destinationId: string; readonly matchedPrefix: string } | null {
  const compiledPlan = compilePlan(plan);
  const packed = compiledPlan.trie.longestPacked(digits);
  const hit = packed < 0 ? -1 : Math.floor(packed / 64);
  const entries = hit >= 0 ? compiledPlan.entriesByDestination[hit]! : compiledPlan.anyEntries;
  if (!entries || entries.length === 0) return null;
  return {
    entries,
    destinationId: hit >= 0 ? compiledPlan.destinationIds[hit]! : '*any',
    matchedPrefix: hit >= 0 ? digits.slice(0, packed % 64) : '',
  };
}

export interface Tariff {
  readonly id: string;
  readonly currency: string;
  readonly timeZone: string;
}

/**
 * Rates a call on the entries of one destination (what `rateCall` does once the prefix is
 * found); carrier decks, whose rows carry no timings, call it with a single always-on entry.
 */
export function rateEntries(
  plan: Tariff,
  destination: { readonly destinationId: string; readonly matchedPrefix: string },
  entries: readonly PlanEntry[],
  start: Date,
  duration: Nanos,
): CallCost {
  const segment: Segment = {
    planId: plan.id,
    timeZone: plan.timeZone,
    entries,
    destinationId: destination.destinationId,
    untilMs: Infinity,
  };
  return rateSegments(plan, destination, () => segment, start, duration);
}

/**
 * What rates the call from an instant on: a plan's entries for the destination, until `untilMs`
 * (a rating-profile activation, after which another plan takes over).
 */
export interface Segment {
  readonly planId: string;
  readonly timeZone: string;
  readonly entries: readonly PlanEntry[];
  readonly destinationId: string;
  readonly untilMs: number;
}

/** The rating loop: parts split at slot starts, entry changes and segment ends; then one total. */
export function rateSegments(
  plan: Tariff,
  destination: { readonly destinationId: string; readonly matchedPrefix: string },
  segmentAt: (ms: number) => Segment,
  start: Date,
  duration: Nanos,
): CallCost {
  const { destinationId, matchedPrefix } = destination;
  const startMs = start.getTime();
  const endMs = startMs + duration / NS_PER_MS;

  const parts: RatedPart[] = [];
  let offset = 0;
  let firstEntries: readonly PlanEntry[] | null = null;
  while (offset < duration) {
    const atMs = startMs + offset / NS_PER_MS;
    const segment = segmentAt(atMs);
    const entries = segment.entries;
    firstEntries ??= entries;
    const z = zone(segment.timeZone);
    const entry = entries.length === 1 && always(entries[0]!) ? entries[0]! : activeEntry(entries, z, atMs);
    if (!entry)
      throw new NoTimingError(
        `plan ${segment.planId}: no timing of destination ${segment.destinationId} covers ${new Date(atMs).toISOString()}`,
      );
    const [slot, nextSlot] = slotAt(entry.destinationRate.rate.slots, offset);
    const change = Math.min(entryChange(entries, entry, z, atMs, endMs), segment.untilMs);
    const changeOffset = change === Infinity || change >= endMs ? Infinity : (change - startMs) * NS_PER_MS;
    const end = Math.min(duration, nextSlot, changeOffset);
    const length = end - offset;
    const increment = Math.max(slot.rateIncrement, 1);
    const increments = Math.ceil(length / increment);
    const billed = increments * increment;
    parts.push(new Part(offset, atMs, length, billed, increments, entry.timing.id, entry.destinationRate, slot));
    offset += increments * increment;
  }
  firstEntries ??= segmentAt(startMs).entries;

  const first = parts[0]?.destinationRate ?? firstEntries[0]!.destinationRate;
  const connectFee = parts.length > 0 ? first.rate.slots[0]!.connectFee : new Decimal(0);
  const exact = exactTotal(parts, connectFee);
  let roundingFrom = first;
  for (const p of parts) if (p.destinationRate.roundingDecimals > roundingFrom.roundingDecimals) roundingFrom = p.destinationRate;
  const applied = parts.some((p) => p.destinationRate.roundingDecimals > 0);
  const rounded = applied ? roundDecimal(exact, ROUND[roundingFrom.roundingMethod], roundingFrom.roundingDecimals) : exact;
  const max = first.maxCost;
  const limited = max.greaterThan(0);
  const capped = limited && first.maxCostStrategy === '*free' && rounded.greaterThan(max);
  return {
    planId: plan.id,
    currency: plan.currency,
    destinationId,
    matchedPrefix,
    parts,
    connectFee,
    billed: offset,
    exact,
    rounding: { method: roundingFrom.roundingMethod, decimals: roundingFrom.roundingDecimals, applied },
    maxCost: { amount: max, strategy: first.maxCostStrategy, capped, reached: limited && rounded.greaterThanOrEqualTo(max) },
    cost: capped ? max : rounded,
  };
}
