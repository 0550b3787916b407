import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export interface SchemaEntry {
  readonly type: 'table' | 'index';
  readonly name: string;
  readonly tbl_name: string;
  readonly sql: string;
}

/**
 * The tables and indexes of a read-model file (`schema`: `main`, or the name it is attached
 * under), tables first, of the tables whose names start with one of `prefixes`, or of all.
 */
export function schemaOf(db: Database.Database, schema: string, prefixes?: readonly string[]): SchemaEntry[] {
  const wanted = (name: string) => !prefixes || prefixes.some((p) => name.startsWith(p));
  return db
    .prepare<[], SchemaEntry & { sql: string | null }>(
      `SELECT type, name, tbl_name, sql FROM ${schema}.sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' ORDER BY type DESC`,
    )
    .all()
    .filter((s): s is SchemaEntry => wanted(s.tbl_name) && s.sql !== null);
}

/**
 * Seconds SQLite alone takes to write the rows a rebuild left in a data directory's read models
 * (of the tables whose names start with one of `prefixes`, or of every table): an empty file,
 * opened as the engine opens its read models (WAL, synchronous NORMAL), with the same tables and
 * indexes, filled by `INSERT … SELECT` from the rebuilt file in one transaction, every row once
 * and in the order the rebuild stored it. No JavaScript touches a row: the least that writing
 * these rows can cost, whatever computes them.
 */
export function writeRowsSeconds(dir: string, prefixes?: readonly string[]): { seconds: number; rows: number } {
  const scratch = mkdtempSync(join(tmpdir(), 'trunkline-bench-floor-'));
  const db = new Database(join(scratch, 'rows.sqlite'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.prepare('ATTACH ? AS rebuilt').run(join(dir, 'read-models.sqlite'));
    const schema = schemaOf(db, 'rebuilt', prefixes);
    const tables = schema.filter((s) => s.type === 'table').map((s) => s.name);
    for (const s of schema) db.exec(s.sql);
    let rows = 0;
    for (const t of tables) rows += db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM rebuilt."${t}"`).get()!.n;
    const started = performance.now();
    db.exec('BEGIN');
    for (const t of tables) db.exec(`INSERT INTO main."${t}" SELECT * FROM rebuilt."${t}"`);
    db.exec('COMMIT');
    return { seconds: (performance.now() - started) / 1000, rows };
  } finally {
    db.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}
