export type SqlValue = string | number | bigint | null;

/**
 * The SQL both read-model stores understand: `?` placeholders, and the common dialect of SQLite
 * and PostgreSQL (`INSERT … ON CONFLICT … DO UPDATE`, `excluded.`, standard types).
 */
export interface SqlTx {
  /** Which store this is, for the few statements the two write differently (see decimal-sql.ts). */
  readonly dialect: 'sqlite' | 'postgres';
  run(sql: string, params?: readonly SqlValue[]): Promise<void>;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
}

export interface ReadModelStore {
  readonly dialect: SqlTx['dialect'];
  readonly description: string;
  /** Runs `fn` in one transaction that also excludes every other writer of the checkpoints. */
  transaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T>;
  /**
   * A transaction that also holds the schema lock, for creating or changing tables: several
   * nodes may start at once on one database, and CREATE … IF NOT EXISTS is not safe between
   * concurrent sessions of PostgreSQL.
   */
  migrate<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T>;
  /** Reads outside a transaction, for the API and reports. */
  query<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
