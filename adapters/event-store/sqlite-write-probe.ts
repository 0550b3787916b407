import { closeSync, fsyncSync, openSync, unlinkSync, writeSync } from 'node:fs';
import type Database from 'better-sqlite3';

/** What a probe asks room for: a few pages, about what a burst of appends needs. */
const PROBE_BYTES = 64 * 1024;

/**
 * A small real write on a SQLite file, for a store marked unhealthy: 64 KiB written and synced
 * beside the file (a full or failing disk refuses it), then, on the store's own connection, a
 * table of 64 KiB created in a transaction that is rolled back (a file that cannot grow, or
 * whose pages are damaged, refuses it). Nothing of it stays. Throws what the write threw.
 */
export function sqliteWriteProbe(db: Database.Database, path: string): () => Promise<void> {
  return async () => {
    if (path !== ':memory:') {
      const scratch = `${path}-probe`;
      const fd = openSync(scratch, 'w');
      try {
        writeSync(fd, Buffer.alloc(PROBE_BYTES));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
        unlinkSync(scratch);
      }
    }
    // a writer of another process holding the lock must not stall this thread for busy_timeout
    const busy = db.pragma('busy_timeout', { simple: true }) as number;
    db.pragma('busy_timeout = 100');
    try {
      db.exec('BEGIN IMMEDIATE');
      try {
        db.exec('CREATE TABLE trunkline_write_probe (pad BLOB)');
        db.prepare('INSERT INTO trunkline_write_probe VALUES (zeroblob(?))').run(PROBE_BYTES);
      } finally {
        db.exec('ROLLBACK');
      }
    } finally {
      db.pragma(`busy_timeout = ${busy}`);
    }
  };
}
