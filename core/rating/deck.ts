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
  const iso = at.toISOString();
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
  readonly detail: CallCost;
}

/** Prices a call on a carrier's deck, or null when the deck does not route the number then. */
export function priceOnDeck(deck: CompiledDeck, digits: string, start: Date, duration: Nanos): CarrierCost | null {
  const match = matchDeck(deck, digits, start);
  if (!match) return null;
  const detail = rateEntries(
    { id: deck.carrier.carrierId, currency: deck.carrier.currency, timeZone: 'UTC' },
    { destinationId: match.row.destination, matchedPrefix: match.prefix },
    entriesFor(match.row),
    start,
    duration,
  );
  let billed = detail.billed;
  let cost = detail.exact;
  const minimum = match.row.minimum * NS_PER_SECOND;
  if (duration > 0 && billed < minimum) {
    // the minimum tops up at the row's rate, so a short call costs exactly `minimum` seconds
    cost = cost.plus(
      parseDecimal(match.row.rate)
        .times(minimum - billed)
        .dividedBy(60 * NS_PER_SECOND),
    );
    billed = minimum;
  }
  return { carrier: deck.carrier, prefix: match.prefix, row: match.row, billedSeconds: billed / NS_PER_SECOND, cost, detail };
}
