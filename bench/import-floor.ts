/**
 * The floor for a deck import: the least any import can do with the same file on the same SQLite.
 * One read of the file, each line split on commas into a deck row, the rows inserted with one
 * prepared statement in one transaction into a table shaped like the read model's, selected back,
 * and a trie built over their prefixes. No validation, no events, no hashing.
 */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import type { DeckRow } from '../core/rating/catalog-events';
import { buildPrefixTrie } from '../core/rating/prefix-trie';

export interface ImportTimes {
  /** Seconds: parse (and, for the engine, append); written to the table; selected back with the trie built. */
  readonly parse: number;
  readonly write: number;
  readonly lookup: number;
  readonly total: number;
  readonly rows: number;
}

const seconds = (from: bigint, to: bigint) => Number(to - from) / 1e9;

/** Imports `csv` (the bench's layout: prefix,destination,rate,initial,subsequent,connect_fee,effective_from) into `dbPath`. */
export function floorImport(csv: string, dbPath: string): ImportTimes {
  const db = new Database(dbPath);
  // the settings the engine's read-model store opens its file with
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE deck_rows (
    carrier_id TEXT NOT NULL, version INTEGER NOT NULL, prefix TEXT NOT NULL, destination TEXT NOT NULL,
    rate TEXT NOT NULL, initial INTEGER NOT NULL, subsequent INTEGER NOT NULL, connect_fee TEXT NOT NULL,
    minimum INTEGER NOT NULL, effective_from TEXT NOT NULL, effective_to TEXT,
    PRIMARY KEY (carrier_id, version, prefix, effective_from))`);
  try {
    const t0 = process.hrtime.bigint();
    const lines = readFileSync(csv, 'utf8').split('\n');
    const rows: DeckRow[] = [];
    for (let i = 1; i < lines.length; i++) {
      const f = lines[i]!.split(',');
      rows.push({
        prefix: f[0]!,
        destination: f[1]!,
        rate: f[2]!,
        initial: Number(f[3]),
        subsequent: Number(f[4]),
        connectFee: f[5]!,
        minimum: 0,
        effectiveFrom: `${f[6]}T00:00:00.000Z`,
        effectiveTo: null,
      });
    }
    const t1 = process.hrtime.bigint();
    const insert = db.prepare('INSERT INTO deck_rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    db.transaction(() => {
      for (const r of rows)
        insert.run(
          'floor',
          1,
          r.prefix,
          r.destination,
          r.rate,
          r.initial,
          r.subsequent,
          r.connectFee,
          r.minimum,
          r.effectiveFrom,
          r.effectiveTo,
        );
    })();
    const t2 = process.hrtime.bigint();
    const back = db
      .prepare(
        `SELECT prefix, destination, rate, initial, subsequent, connect_fee, minimum, effective_from, effective_to
         FROM deck_rows WHERE carrier_id = ? AND version = ?`,
      )
      .all('floor', 1) as { prefix: string }[];
    const trie = buildPrefixTrie(back.map((r, i) => [r.prefix, i] as const));
    const t3 = process.hrtime.bigint();
    if (trie.size !== rows.length) throw new Error(`the floor's trie holds ${trie.size} of ${rows.length} prefixes`);
    return { parse: seconds(t0, t1), write: seconds(t1, t2), lookup: seconds(t2, t3), total: seconds(t0, t3), rows: rows.length };
  } finally {
    db.close();
  }
}
