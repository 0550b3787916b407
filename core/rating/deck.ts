import { Decimal, parseDecimal } from '../money';
import { billedNanos } from '../pricing/billed-duration';
import { exactPrice } from '../pricing/charge';
import type { CarrierService, DeckRow, Trunk } from './catalog-events';
import { rateEntries, type CallCost } from './cost';
import { NS_PER_SECOND, type Nanos } from './duration';
import { ALWAYS, rate } from './plan-builder';
import { buildIndexTrie, type PrefixTrie } from './prefix-trie';
import type { PlanEntry } from './tariff';

export interface Carrier {
  readonly carrierId: string;
  readonly name: string;
  readonly currency: string;
  readonly preference: number;
  readonly trunks: readonly Trunk[];
  /** voice: rows price minutes; sms (a gateway): rows price segments, `rate` per segment. */
  readonly service: CarrierService;
}

/** A carrier's deck ready for lookups: one trie over its prefixes, each with its dated rows. */
export interface CompiledDeck {
  readonly carrier: Carrier;
  readonly version: number;
  readonly trie: PrefixTrie;
  readonly prefixes: readonly string[];
  /** Per trie value: the prefix's rows, latest effectiveFrom first. */
  readonly rows: readonly (readonly DeckRow[])[];
  readonly rowCount: number;
  /**
   * Per prefix group, the numbers pricing needs, in flat arrays (LCR reads five decks per call):
   * rate and connect fee × 10⁹ (NaN when not a safe integer), increments, minimum, and the
   * validity of the group's latest row in epoch ms.
   */
  readonly fast: {
    readonly rateNano: Float64Array;
    readonly feeNano: Float64Array;
    readonly initial: Int32Array;
    readonly subsequent: Int32Array;
    readonly minimum: Int32Array;
    readonly fromMs: Float64Array;
    readonly toMs: Float64Array;
  };
}

export function compileDeck(carrier: Carrier, version: number, rows: readonly DeckRow[]): CompiledDeck {
  const { prefixes, grouped } = groupedInOrder(rows) ?? groupedByMap(rows);
  for (const group of grouped) if (group.length > 1) group.sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1));
  return { carrier, version, trie: buildIndexTrie(prefixes), prefixes, rows: grouped, rowCount: rows.length, fast: fastArrays(grouped) };
}

interface Groups {
  readonly prefixes: string[];
  readonly grouped: DeckRow[][];
}

/**
 * Rows sorted by prefix (as the lookup reads them) group by comparing each prefix with the one
 * before, with no map of every prefix (a large share of loading a big deck). Null at
 * the first prefix out of order.
 */
function groupedInOrder(rows: readonly DeckRow[]): Groups | null {
  const prefixes: string[] = [];
  const grouped: DeckRow[][] = [];
  let last: string | null = null;
  for (const r of rows) {
    if (last !== null && r.prefix < last) return null;
    if (r.prefix === last) grouped[grouped.length - 1]!.push(r);
    else {
      prefixes.push(r.prefix);
      grouped.push([r]);
      last = r.prefix;
    }
  }
  return { prefixes, grouped };
}

function groupedByMap(rows: readonly DeckRow[]): Groups {
  // most prefixes have one row: a group index per prefix, and a list only where it has more
  const groupOf = new Map<string, number>();
  const prefixes: string[] = [];
  const grouped: DeckRow[][] = [];
  for (const r of rows) {
    const g = groupOf.get(r.prefix);
    if (g === undefined) {
      groupOf.set(r.prefix, prefixes.length);
      prefixes.push(r.prefix);
      grouped.push([r]);
    } else grouped[g]!.push(r);
  }
  return { prefixes, grouped };
}

function fastArrays(grouped: readonly (readonly DeckRow[])[]): CompiledDeck['fast'] {
  const n = grouped.length;
  const fast = {
    rateNano: new Float64Array(n),
    feeNano: new Float64Array(n),
    initial: new Int32Array(n),
    subsequent: new Int32Array(n),
    minimum: new Int32Array(n),
    fromMs: new Float64Array(n),
    toMs: new Float64Array(n),
  };
  const epochMs = lastValueCache(Date.parse);
  const feeNano = lastValueCache((text: string) => nanoUnits(text) ?? NaN);
  for (let i = 0; i < n; i++) {
    const r = grouped[i]![0]!;
    fast.rateNano[i] = nanoUnits(r.rate) ?? NaN;
    fast.feeNano[i] = feeNano(r.connectFee);
    fast.initial[i] = r.initial;
    fast.subsequent[i] = r.subsequent;
    fast.minimum[i] = r.minimum;
    fast.fromMs[i] = epochMs(r.effectiveFrom);
    fast.toMs[i] = r.effectiveTo === null ? Infinity : epochMs(r.effectiveTo);
  }
  return fast;
}

/** `fn` remembering its last argument: a deck's dates and connect fees repeat row after row. */
function lastValueCache<T>(fn: (text: string) => T): (text: string) => T {
  let lastText: string | null = null;
  let lastValue: T;
  return (text) => {
    if (text !== lastText) {
      lastValue = fn(text);
      lastText = text;
    }
    return lastValue;
  };
}

let lastDate: Date | null = null;
let lastIso = '';
/** Effective dates compare as ISO strings; one LCR asks for the same instant once per carrier. */
function isoOf(at: Date): string {
  if (at !== lastDate) {
    lastDate = at;
    lastIso = at.toISOString();
  }
  return lastIso;
}

export interface DeckMatch {
  readonly prefix: string;
  readonly row: DeckRow;
}

/**
 * The row for `digits` at `at`: the carrier's longest matching prefix, and of its rows the one
 * in force then. When every row of that prefix has expired (or starts later) the carrier does not
 * route the number: falling back to a shorter prefix would price a mobile call at a landline rate.
 */
export function matchDeck(deck: CompiledDeck, digits: string, at: Date): DeckMatch | null {
  const hit = deck.trie.longest(digits);
  if (hit < 0) return null;
  const iso = isoOf(at);
  for (const row of deck.rows[hit]!) {
    if (row.effectiveFrom <= iso && (row.effectiveTo === null || iso < row.effectiveTo)) return { prefix: deck.prefixes[hit]!, row };
  }
  return null;
}

const entriesOfRow = new WeakMap<DeckRow, PlanEntry[]>();

/** A deck row as a plan entry: initial increment for the first stretch, subsequent after. */
function entriesFor(row: DeckRow): PlanEntry[] {
  let entries = entriesOfRow.get(row);
  if (!entries) {
    const slots = [
      { groupIntervalStart: '0s', rate: row.rate, rateUnit: '60s', rateIncrement: `${row.initial}s`, connectFee: row.connectFee },
    ];
    if (row.subsequent !== row.initial)
      slots.push({
        groupIntervalStart: `${row.initial}s`,
        rate: row.rate,
        rateUnit: '60s',
        rateIncrement: `${row.subsequent}s`,
        connectFee: '0',
      });
    entries = [
      {
        timing: ALWAYS,
        weight: 0,
        destinationRate: {
          id: `${row.prefix}@${row.effectiveFrom}`,
          destinationId: row.destination,
          rate: rate(`${row.prefix}@${row.effectiveFrom}`, slots),
          roundingMethod: '*up',
          roundingDecimals: 0,
          maxCost: new Decimal(0),
          maxCostStrategy: '',
        },
      },
    ];
    entriesOfRow.set(row, entries);
  }
  return entries;
}

export interface CarrierCost {
  readonly carrier: Carrier;
  readonly prefix: string;
  readonly row: DeckRow;
  /** Billed seconds: i + ⌈max(0, d − i) / s⌉ × s, at least the row's minimum when the call connected. */
  readonly billedSeconds: number;
  /** Exact, unrounded: what the carrier will invoice before its own rounding. */
  readonly cost: Decimal;
  /**
   * The cost in units of 1/(60·10⁹) of the currency, when that is a safe integer: exact, and
   * comparable with plain numbers, so LCR can sort and margin-check without decimal arithmetic.
   */
  readonly costKey: number | null;
  /** The full breakdown (parts, slots), computed on first use. */
  readonly detail: CallCost;
  /** retail − cost once a retail price is attached with `against` (null without one). */
  readonly margin: Decimal | null;
  /** This call measured against a retail price (for LCR's margin guard); returns itself. */
  against(retail: Decimal | null): CarrierCost;
}

/** Cost units per currency unit in `costKey`: nano-units per minute of billed seconds. */
export const COST_KEY_SCALE = 60 * NS_PER_SECOND;

/** A decimal string × 10⁹ as a safe integer, or null when it has more than 9 decimals or is too large. */
function nanoUnits(text: string): number | null {
  // what text.split('.') gives as its first two parts, without the array
  const dot = text.indexOf('.');
  const next = dot === -1 ? -1 : text.indexOf('.', dot + 1);
  const whole = dot === -1 ? text : text.slice(0, dot);
  const fraction = dot === -1 ? '' : text.slice(dot + 1, next === -1 ? undefined : next);
  if (fraction.length > 9) return null;
  const n = Number(whole) * 1e9 + Number(fraction.padEnd(9, '0'));
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * A priced call. A class, not an object literal with getters: LCR makes millions of these, and
 * prototype getters cost nothing per object where per-object closures cost an allocation each.
 * The decimal cost and the breakdown are computed on first read.
 */
class PricedCall implements CarrierCost {
  #cost: Decimal | null = null;
  #detail: CallCost | null = null;
  #retail: Decimal | null = null;
  #margin: Decimal | null | undefined;
  constructor(
    readonly carrier: Carrier,
    readonly prefix: string,
    readonly row: DeckRow,
    readonly billedSeconds: number,
    readonly costKey: number | null,
    private readonly start: Date,
    private readonly duration: Nanos,
  ) {}

  get cost(): Decimal {
    if (this.#cost) return this.#cost;
    if (this.costKey !== null) return (this.#cost = new Decimal(this.costKey).dividedBy(COST_KEY_SCALE));
    return (this.#cost = exactPrice(parseDecimal(this.row.rate), parseDecimal(this.row.connectFee), this.billedSeconds));
  }

  against(retail: Decimal | null): CarrierCost {
    this.#retail = retail;
    this.#margin = undefined;
    return this;
  }

  get margin(): Decimal | null {
    if (this.#margin === undefined) this.#margin = this.#retail ? this.#retail.minus(this.cost) : null;
    return this.#margin;
  }

  get detail(): CallCost {
    return (this.#detail ??= rateEntries(
      { id: this.carrier.carrierId, currency: this.carrier.currency, timeZone: 'UTC' },
      { destinationId: this.row.destination, matchedPrefix: this.prefix },
      entriesFor(this.row),
      this.start,
      this.duration > 0 ? Math.max(this.duration, this.row.minimum * NS_PER_SECOND) : 0,
    ));
  }
}

/** Prices a call on a carrier's deck, or null when the deck does not route the number then. */
export function priceOnDeck(deck: CompiledDeck, digits: string, start: Date, duration: Nanos): CarrierCost | null {
  const hit = deck.trie.longest(digits);
  return hit < 0 ? null : priceGroup(deck, hit, digits, start, duration);
}

/** Prices a call on the deck's prefix group `hit` (its longest match for `digits`, found by the caller). */
export function priceGroup(deck: CompiledDeck, hit: number, digits: string, start: Date, duration: Nanos): CarrierCost | null {
  const f = deck.fast;
  const ms = start.getTime();
  let row: DeckRow;
  let rateNano: number;
  let feeNano: number;
  if (f.fromMs[hit]! <= ms && ms < f.toMs[hit]!) {
    // the latest row is in force: everything is in the flat arrays
    row = deck.rows[hit]![0]!;
    rateNano = f.rateNano[hit]!;
    feeNano = f.feeNano[hit]!;
  } else {
    const match = matchDeck(deck, digits, start);
    if (!match) return null;
    row = match.row;
    rateNano = nanoUnits(row.rate) ?? NaN;
    feeNano = nanoUnits(row.connectFee) ?? NaN;
  }
  const billedSeconds = billedNanos(row, duration) / NS_PER_SECOND;
  const key = rateNano * billedSeconds + (billedSeconds > 0 ? feeNano * 60 : 0);
  return new PricedCall(deck.carrier, deck.prefixes[hit]!, row, billedSeconds, Number.isSafeInteger(key) ? key : null, start, duration);
}
