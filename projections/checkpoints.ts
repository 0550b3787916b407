import type { ReadModelStore, SqlTx } from '../application/ports/read-model-store';

export interface Checkpoint {
  readonly name: string;
  readonly version: number;
  /** Bumped by every reset: a runner that sees it change drops what it was doing and starts over. */
  readonly generation: number;
  readonly position: number;
  readonly updatedAt: string;
}

interface Row {
  name: string;
  version: number;
  generation: number;
  position: number | string;
  updated_at: string;
}

const toCheckpoint = (r: Row): Checkpoint => ({
  name: r.name,
  version: Number(r.version),
  generation: Number(r.generation),
  position: Number(r.position),
  updatedAt: r.updated_at,
});

export async function readCheckpoint(tx: SqlTx, store: ReadModelStore, name: string): Promise<Checkpoint | null> {
  return (await readCheckpoints(tx, store, [name])).get(name) ?? null;
}

/**
 * The checkpoints of `names` in one statement (those that have none are missing from the map).
 * On PostgreSQL the rows are locked in the order of their names, whatever order a plan would
 * find them in: two nodes locking the same checkpoints in different orders would deadlock.
 */
export async function readCheckpoints(tx: SqlTx, store: ReadModelStore, names: readonly string[]): Promise<Map<string, Checkpoint>> {
  if (names.length === 0) return new Map();
  const lock = store.dialect === 'postgres' ? ' FOR UPDATE' : '';
  const list = names.map(() => '?').join(', ');
  const rows = await tx.all<Row>(`SELECT * FROM trunkline_projections WHERE name IN (${list}) ORDER BY name${lock}`, names);
  return new Map(rows.map((r) => [r.name, toCheckpoint(r)]));
}

export async function writeCheckpoint(tx: SqlTx, c: Checkpoint): Promise<void> {
  await writeCheckpoints(tx, [c]);
}

/** Writes several checkpoints in one statement; no two may share a name. */
export async function writeCheckpoints(tx: SqlTx, cs: readonly Checkpoint[]): Promise<void> {
  if (cs.length === 0) return;
  await tx.run(
    `INSERT INTO trunkline_projections (name, version, generation, position, updated_at) VALUES ${cs.map(() => '(?, ?, ?, ?, ?)').join(', ')}
     ON CONFLICT (name) DO UPDATE SET version = excluded.version, generation = excluded.generation,
       position = excluded.position, updated_at = excluded.updated_at`,
    cs.flatMap((c) => [c.name, c.version, c.generation, c.position, c.updatedAt]),
  );
}

export async function listCheckpoints(store: ReadModelStore): Promise<Checkpoint[]> {
  return (await store.query<Row>('SELECT * FROM trunkline_projections ORDER BY name')).map(toCheckpoint);
}

/** The checkpoints, and where a projection stopped (projections/stops.ts). */
export const CHECKPOINT_SCHEMA = `
CREATE TABLE IF NOT EXISTS trunkline_projections (
  name       TEXT    PRIMARY KEY,
  version    INTEGER NOT NULL,
  generation INTEGER NOT NULL,
  position   BIGINT  NOT NULL,
  updated_at TEXT    NOT NULL
);
CREATE TABLE IF NOT EXISTS trunkline_projection_stops (
  name       TEXT    PRIMARY KEY,
  generation INTEGER NOT NULL,
  position   BIGINT  NOT NULL,
  event_id   TEXT    NOT NULL,
  event_type TEXT    NOT NULL,
  error      TEXT    NOT NULL,
  stopped_at TEXT    NOT NULL
)`;
