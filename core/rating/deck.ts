import { Decimal, parseDecimal } from '../money';
import type { DeckRow, Trunk } from './catalog-events';
import { rateEntries, type CallCost } from './cost';
import { NS_PER_SECOND, type Nanos } from './duration';
import { ALWAYS, rate } from './plan-builder';
import { buildPrefixTrie, type PrefixTrie } from './prefix-trie';
import type { PlanEntry } from './tariff';

export interface Carrier {
  readonly carrierId: string;
  readonly name: string;
  readonly currency: string;
  readonly preference: number;
  readonly trunks: readonly Trunk[];
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
}

export function compileDeck(carrier: Carrier, version: number, rows: readonly DeckRow[]): CompiledDeck {
  const byPrefix = new Map<string, DeckRow[]>();
  for (const r of rows) {
    const list = byPrefix.get(r.prefix);
    if (list) list.push(r);
    else byPrefix.set(r.prefix, [r]);
  }
  const prefixes = [...byPrefix.keys()];
  const grouped = prefixes.map((p) => byPrefix.get(p)!.sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1)));
  return {
    carrier,
    version,
    trie: buildPrefixTrie(prefixes.map((p, i) => [p, i] as const)),
    prefixes,
    rows: grouped,
    rowCount: rows.length,
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
}

/** Cost units per currency unit in `costKey`: nano-units per minute of billed seconds. */
export const COST_KEY_SCALE = 60 * NS_PER_SECOND;

/** A decimal string × 10⁹ as a safe integer, or null when it has more than 9 decimals or is too large. */
function nanoUnits(text: string): number | null {
  const [whole, fraction = ''] = text.split('.');
  if (fraction.length > 9) return null;
  const n = Number(whole) * 1e9 + Number(fraction.padEnd(9, '0'));
  return Number.isSafeInteger(n) ? n : null;
}

const nano = new WeakMap<DeckRow, { rate: number | null; fee: number | null }>();

/**
 * A priced call. A class, not an object literal with getters: LCR makes millions of these, and
 * prototype getters cost nothing per object where per-object closures cost an allocation each.
 * The decimal cost and the breakdown are computed on first read.
 */
class PricedCall implements CarrierCost {
  #cost: Decimal | null = null;
  #detail: CallCost | null = null;
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
    const fee = this.billedSeconds > 0 ? parseDecimal(this.row.connectFee) : new Decimal(0);
    return (this.#cost = parseDecimal(this.row.rate).times(this.billedSeconds).dividedBy(60).plus(fee));
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
  const match = matchDeck(deck, digits, start);
  if (!match) return null;
  const row = match.row;
  let billedSeconds = 0;
  if (duration > 0) {
    const initial = row.initial * NS_PER_SECOND;
    const subsequent = row.subsequent * NS_PER_SECOND;
    const billed = initial + Math.ceil(Math.max(0, duration - initial) / subsequent) * subsequent;
    billedSeconds = Math.max(billed / NS_PER_SECOND, row.minimum);
  }
  let units = nano.get(row);
  if (!units) nano.set(row, (units = { rate: nanoUnits(row.rate), fee: nanoUnits(row.connectFee) }));
  const key = units.rate !== null && units.fee !== null ? units.rate * billedSeconds + (billedSeconds > 0 ? units.fee * 60 : 0) : null;
  return new PricedCall(
    deck.carrier,
    match.prefix,
    row,
    billedSeconds,
    key !== null && Number.isSafeInteger(key) ? key : null,
    start,
    duration,
  );
}
