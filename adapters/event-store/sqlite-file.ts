import Database from 'better-sqlite3';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** 'TRKL' in PRAGMA application_id: marks a file as Trunkline's, so a foreign one is never written to. */
const APPLICATION_ID = 0x54524b4c;

export class ForeignDatabaseError extends Error {
  override readonly name = 'ForeignDatabaseError';
}

/**
 * Opens (or creates) a Trunkline SQLite file in WAL mode, after proving it is ours: a file that
 * is not SQLite, or is another program's database, is refused before a single byte is written.
 */
export function openTrunklineSqlite(path: string, role: string, schema: string): Database.Database {
  const existed = existsSync(path) && statSync(path).size > 0;
  if (!existed) mkdirSync(dirname(path), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: existed });
  } catch (error) {
    throw new ForeignDatabaseError(`${path}: cannot open (${(error as Error).message})`);
  }
  try {
    const appId = db.pragma('application_id', { simple: true }) as number;
    if (existed && appId !== APPLICATION_ID) {
      const tables = db.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: number };
      if (appId !== 0 || tables.n > 0) {
        throw new ForeignDatabaseError(`${path} is a SQLite database, but not a Trunkline ${role} file; refusing to touch it`);
      }
    }
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    // a WAL that started again is cut back to this size at its next commit: its largest size is not kept on disk
    db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    db.exec(schema);
    if (appId !== APPLICATION_ID) db.pragma(`application_id = ${APPLICATION_ID}`);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof ForeignDatabaseError) throw error;
    const message = (error as Error).message;
    throw new ForeignDatabaseError(
      /not a database|malformed/i.test(message) ? `${path} is not a SQLite database (${message})` : `${path}: ${message}`,
    );
  }
}
